#!/usr/bin/env bash
# `make bench`: figures as ratios against baselines measured in the same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
. "$ROOT/.testbed/env"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" "$ROOT/bench/Hello.java"
printf 'Main-Class: Hello\n' > "$tmp/manifest"
jar cfm "$tmp/hello.jar" "$tmp/manifest" -C "$tmp" Hello.class
mkdir -p "$tmp/hello-plugin"
cp "$ROOT/provider/bin/pulumi-resource-rdsreplication" "$tmp/hello-plugin/"
cp "$tmp/hello.jar" "$tmp/hello-plugin/pulumi-resource-rdsreplication.jar"
python3 "$ROOT/bench/startup.py" "$PROVIDER_DIR/pulumi-resource-rdsreplication" \
  "$tmp/hello-plugin/pulumi-resource-rdsreplication" "$tmp/hello.jar" "${BENCH_RUNS:-11}"
"$ROOT/bench/dist.sh"
echo "snapshot benchmark: generating ${BENCH_MB:-1024} MiB on the source, then three copies (several minutes)"
cd "$ROOT"
mvn -B -ntp -pl provider failsafe:integration-test -Dit.test=SnapshotBench -Dbench=true -DfailIfNoTests=false 2>&1 \
  | grep -E '^snapshot:|FAIL|ERROR' || true
"$ROOT/bench/cutover.sh"
# the copy across a shaped link against the runbook's dump pipe and mydumper/myloader (needs root: ip netns, tc)
[ "${BENCH_WAN:-1}" = 0 ] || "$ROOT/bench/wan.sh"
