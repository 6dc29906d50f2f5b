#!/usr/bin/env bash
# `make demo`: the Java example against the local test bed — pulumi up, then the proof a person wants to see
# (resources, replica status, a row written on the source read back on the replica), then pulumi destroy and
# the proof that nothing is left. KEEP=1 keeps the stack up (destroy later with KEEP=0 make demo).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
. "$ROOT/.testbed/env"
export PATH=$PROVIDER_DIR:$ROOT/.bin:$PATH
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-demo-local-only}
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_IGNORE_AMBIENT_PLUGINS=false
export AWS_ENDPOINT_URL AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
WORK=$ROOT/.testbed/demo
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
src() { mariadb --no-defaults -h"$SOURCE_HOST" -P"$SOURCE_PORT" -u"$SOURCE_ROOT_USER" -p"$SOURCE_ROOT_PASSWORD" "$@" 2>/dev/null; }
rep() { mariadb --no-defaults -h"$REPLICA_HOST" -P"$REPLICA_PORT" -u"$REPLICA_ROOT_USER" -p"$REPLICA_ROOT_PASSWORD" "$@" 2>/dev/null; }

say "Building the Java SDK and the example"
(cd "$ROOT" && mvn -B -q -DskipTests -pl sdk/java -am install)
"$ROOT/examples/stack-init.sh" "$ROOT/examples/java" "$WORK"
cd "$WORK/prog"
export PULUMI_BACKEND_URL=file://$WORK/state PULUMI_HOME=$WORK/home

say "pulumi up (the runbook: security group, replication user, external master, start)"
pulumi up --yes --skip-preview --suppress-progress 2>&1 | grep -v 'from \$PATH\|unable to start debugging\|^$' || true

say "Resources"
pulumi stack --show-ids 2>/dev/null | sed -n '/Current stack resources/,/^$/p'
pulumi stack output

say "Replica status on the RDS instance"
# SHOW REPLICA STATUS: MariaDB 10.5+ and MySQL 8.0.22+ (the only form on MySQL 8.4 and 9.x); either naming generation
rep -e "SHOW REPLICA STATUS\G" | grep -E ' ((Master|Source)_(Host|Port|User)|(Slave|Replica)_(IO|SQL)_Running|Seconds_Behind_(Master|Source)|Relay_(Master|Source)_Log_File|Exec_(Master|Source)_Log_Pos|Last_IO_Error|Last_SQL_Error):'

say "A row written on the source, read back on the replica"
stamp="demo row $(date -u +%H:%M:%S.%N)"
src -e "CREATE DATABASE IF NOT EXISTS demo; CREATE TABLE IF NOT EXISTS demo.proof (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(80)); INSERT INTO demo.proof (note) VALUES ('$stamp')"
echo "source : $stamp"
got=""
for _ in $(seq 1 100); do
  got=$(rep -N -e "SELECT note FROM demo.proof WHERE note = '$stamp'" || true)
  [ "$got" = "$stamp" ] && break
  sleep 0.1
done
echo "replica: ${got:-<not arrived>}"
[ "$got" = "$stamp" ] || { echo "the row did not reach the replica" >&2; exit 1; }

say "A second preview shows no changes"
pulumi preview --diff 2>&1 | grep -E 'unchanged|to (create|update|delete|replace)' || true

if [ "${KEEP:-0}" = 1 ]; then
  say "Kept: the stack lives in $WORK (run 'make demo' again with KEEP=0 to destroy it)"
  exit 0
fi
say "pulumi destroy"
pulumi destroy --yes --suppress-progress 2>&1 | grep -E 'Resources:|deleted|Duration' || true
user=$(pulumi config get replicationUser)
echo "replication configured on the replica: $(rep -N -e "SHOW REPLICA STATUS" | wc -l) row(s)"
echo "account '$user' on the source: $(src -N -e "SELECT COUNT(*) FROM mysql.user WHERE User = '$user'")"
echo "rules in $SECURITY_GROUP_ID from $SOURCE_HOST/32: $("$ROOT/.testbed/venv/bin/python" - <<PY
import boto3
ec2 = boto3.client("ec2", region_name="$AWS_REGION", endpoint_url="$AWS_ENDPOINT_URL")
rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": ["$SECURITY_GROUP_ID"]}])["SecurityGroupRules"]
print(sum(1 for r in rules if r.get("CidrIpv4") == "$SOURCE_HOST/32" and not r["IsEgress"]))
PY
)"
