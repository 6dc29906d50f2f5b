#!/usr/bin/env bash
# Runs the integration and end-to-end tiers (failsafe) once per engine pair, switching the test bed between
# pairs; runs every pair even when one fails, keeps each pair's reports in
# provider/target/failsafe-reports-<source>_<replica>/, prints one summary line per pair and fails if any failed.
# Afterwards the test bed runs the pair it ran before (or the default pair).
#   testbed/test-pairs.sh PAIR...      e.g. testbed/test-pairs.sh mariadb1011:mariadb1011 mysql80:mysql80
# Extra Maven arguments: FAILSAFE_ARGS (e.g. FAILSAFE_ARGS=-Dit.test=TestBedIT); FIRST_PAIR_ARGS for the first pair
# only (make test: -Dlanguages, the TypeScript/Python/Go examples once).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
TB=${TESTBED_DIR:-$ROOT/.testbed}
[ $# -gt 0 ] || { echo "usage: $0 SOURCE:REPLICA..." >&2; exit 2; }
before=$(cat "$TB/engines.pair" 2>/dev/null || echo mariadb1011:mariadb1011)
summary=()
failed=0
first=${FIRST_PAIR_ARGS:-}
for pair in "$@"; do
  name=${pair/:/_}
  reports=provider/target/failsafe-reports-$name
  log=provider/target/failsafe-$name.log
  mkdir -p provider/target
  rm -rf "$reports" provider/target/failsafe-reports
  echo "=== $pair: test bed up" >&2
  start=$SECONDS
  if ! ENGINES=$pair testbed/testbed.sh up; then
    summary+=("$pair: FAILED (the test bed did not come up)")
    failed=1
    continue
  fi
  echo "=== $pair: integration and end-to-end tests (log: $log)" >&2
  # surefire ran once already (make test); here only failsafe runs
  # shellcheck disable=SC2086
  mvn -B -e -ntp verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false ${FAILSAFE_ARGS:-} $first 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  first=
  [ -d provider/target/failsafe-reports ] && mv provider/target/failsafe-reports "$reports"
  counts="no failsafe summary"
  if [ -f "$reports/failsafe-summary.xml" ]; then
    counts=$(python3 - "$reports/failsafe-summary.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
n = {k: int(r.findtext(k) or 0) for k in ("completed", "errors", "failures", "skipped")}
print(f"{n['completed']} tests, {n['failures']} failures, {n['errors']} errors, {n['skipped']} skipped")
PY
)
  fi
  verdict=passed; [ "$rc" = 0 ] || { verdict=FAILED; failed=1; }
  summary+=("$pair: $verdict ($counts; $((SECONDS - start)) s; reports: $reports)")
done
echo "=== restoring the test bed's pair $before" >&2
ENGINES=$before testbed/testbed.sh up >/dev/null 2>&1 || echo "could not bring $before back up" >&2
printf '\nEngine pairs (integration + end-to-end):\n'
printf '  %s\n' "${summary[@]}"
exit $failed
