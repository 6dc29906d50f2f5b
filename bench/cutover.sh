#!/usr/bin/env bash
# `make bench`, cutover part (called by bench/run.sh): Cutover's write downtime, with an application writing the
# whole time, against the runbook's way of moving without replication (source read-only for a full dump piped into
# the RDS instance), as a ratio. Data size: BENCH_CUTOVER_MB (default 128).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
echo "cutover benchmark: generating ${BENCH_CUTOVER_MB:-128} MiB on the source and replicating it, then a read-only dump and a cutover"
cd "$ROOT"
mvn -B -ntp -pl provider failsafe:integration-test -Dit.test=CutoverBench -Dbench=true -DfailIfNoTests=false 2>&1 \
  | grep -E '^cutover:|FAIL|ERROR' || true
