#!/usr/bin/env bash
# `make bench`, the `make dist` tarball: its size, and the cold start (launch to port line) of the plugin as
# `pulumi plugin install` puts it in a fresh PULUMI_HOME, run with no java on PATH and no JAVA_HOME, against a
# hello-world JVM measured in the same run (interleaved, so the machine's noise hits all alike).
#   bench/dist.sh [TARBALL...]      default: dist/pulumi-resource-rdsreplication-v<version>-linux-amd64.tar.gz
# Several tarballs (e.g. one built with DIST_JDK=JDK 25 into DIST_OUT) are measured side by side.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)
[ $# -gt 0 ] || set -- "$ROOT/dist/pulumi-resource-rdsreplication-v$VERSION-linux-amd64.tar.gz"
PULUMI=${PULUMI:-$ROOT/.bin/pulumi}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" "$ROOT/bench/Hello.java"
printf 'Main-Class: Hello\n' >"$tmp/manifest"
jar cfm "$tmp/hello.jar" "$tmp/manifest" -C "$tmp" Hello.class
mkdir -p "$tmp/hello-plugin"
cp "$ROOT/provider/bin/pulumi-resource-rdsreplication" "$tmp/hello-plugin/"
cp "$tmp/hello.jar" "$tmp/hello-plugin/pulumi-resource-rdsreplication.jar"
jarsize=$(stat -c %s "$ROOT/provider/target/pulumi-resource-rdsreplication-$VERSION-all.jar" 2>/dev/null || echo 0)
# a PATH without java: the few tools the launcher runs
mkdir -p "$tmp/nojava-bin"
for tool in bash readlink touch sed head; do ln -s "$(command -v "$tool")" "$tmp/nojava-bin/$tool"; done
args=()
i=0
for tarball in "$@"; do
  i=$((i + 1))
  [ -f "$tarball" ] || { echo "bench: $tarball is missing (make dist)" >&2; exit 1; }
  PULUMI_HOME="$tmp/home$i" "$PULUMI" plugin install resource rdsreplication "$VERSION" --file "$tarball" >/dev/null 2>&1
  launcher="$tmp/home$i/plugins/resource-rdsreplication-v$VERSION/pulumi-resource-rdsreplication"
  release="${launcher%/*}/jre/release"
  jdk=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release")
  size=$(stat -c %s "$tarball")
  echo "dist: $(basename "$tarball") (bundled Java $jdk): $((size / 1048576)) MiB;" \
    "ratio tarball / plugin jar alone = $(python3 -c "print(f'{$size / max($jarsize, 1):.2f}')")x"
  args+=("tarball (Java $jdk)=$launcher")
done
[ -x "$ROOT/.bin/provider/pulumi-resource-rdsreplication" ] && args+=("make install (system java)=$ROOT/.bin/provider/pulumi-resource-rdsreplication")
python3 - "$tmp/nojava-bin" "$JAVA" "$tmp/hello.jar" "$tmp/hello-plugin/pulumi-resource-rdsreplication" "${BENCH_RUNS:-11}" "${args[@]}" <<'PY'
import os, statistics, subprocess, sys, time

nojava_path, java, hello_jar, hello_launcher, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
# the tarball-installed plugins run as on a machine without Java: no JAVA_HOME, no java on PATH
nojava = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
nojava["PATH"] = nojava_path
if subprocess.run([os.path.join(nojava_path, "bash"), "-c", "command -v java"], env=nojava,
                  stdout=subprocess.DEVNULL).returncode == 0:
    raise SystemExit("bench: java found on the PATH meant to have none")
cases = [("hello-world JVM, bare java -jar", [java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", hello_jar], None),
         ("hello-world JVM through the launcher", [hello_launcher], None)]
for arg in sys.argv[6:]:
    name, path = arg.split("=", 1)
    cases.append((name, [path], nojava if name.startswith("tarball") else None))


def first_line_seconds(cmd, env):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = p.stdout.readline()
    dt = time.perf_counter() - t0
    p.kill()
    p.wait()
    if not line.strip().isdigit():
        raise SystemExit(f"bench: {cmd[0]} printed {line!r}, not a port line")
    return dt


for _, cmd, env in cases:  # warm-up (page cache; the tarball's one-time jar mtime fix)
    first_line_seconds(cmd, env)
times = {name: [] for name, _, _ in cases}
for _ in range(runs):
    for name, cmd, env in cases:
        times[name].append(first_line_seconds(cmd, env))
med = {name: statistics.median(t) for name, t in times.items()}
hello = med["hello-world JVM through the launcher"]
for name, _, _ in cases:
    print(f"dist: cold start, {name}: median {med[name] * 1000:.0f} ms over {runs} launches"
          f" = {med[name] / hello:.2f}x the hello-world JVM through the launcher")
PY
