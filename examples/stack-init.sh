#!/usr/bin/env bash
# Creates (or reuses) a stack for an example program in WORKDIR, pointed at the local test bed (.testbed/env).
#   stack-init.sh EXAMPLE_DIR WORKDIR [STACK]
# Prints nothing secret: passwords go through `pulumi config set --secret` on standard input.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXAMPLE=$1 WORK=$2 STACK=${3:-dev}
# shellcheck disable=SC1091
. "$ROOT/.testbed/env"
mkdir -p "$WORK/state"
rm -rf "$WORK/prog"
cp -r "$EXAMPLE" "$WORK/prog"
rm -rf "$WORK/prog/target"
cd "$WORK/prog"
export PULUMI_BACKEND_URL=file://$WORK/state PULUMI_HOME=$WORK/home
pulumi stack select "$STACK" >/dev/null 2>&1 || pulumi stack init "$STACK" >/dev/null
set_plain() { pulumi config set --path "$1" "$2" >/dev/null; }
set_secret() { printf '%s' "$2" | pulumi config set --path --secret "$1" >/dev/null; }
set_plain dbInstanceIdentifier "$DB_INSTANCE_ID"
set_plain sourcePort "$SOURCE_PORT"
set_plain sourceHostForReplica "$SOURCE_HOST"
set_plain sourceCidr "$SOURCE_HOST/32"
set_plain replicaAccountHost "$REPLICA_HOST"
set_plain replicationUser "${REPLICATION_USER:-repl}"
if ! pulumi config get replicationPassword >/dev/null 2>&1; then
  set_secret replicationPassword "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
fi
set_plain rdsreplication:region "$AWS_REGION"
set_plain rdsreplication:awsEndpointUrl "$AWS_ENDPOINT_URL"
set_plain rdsreplication:source.host "$SOURCE_HOST"
set_plain rdsreplication:source.port "$SOURCE_PORT"
set_plain rdsreplication:source.username "$SOURCE_ROOT_USER"
set_secret rdsreplication:source.password "$SOURCE_ROOT_PASSWORD"
# MySQL's default caching_sha2_password logs in over TLS only; the test bed's MariaDB servers go without
tls_for() { if [ "$1" = mysql ]; then echo preferred; else echo disabled; fi; }
set_plain rdsreplication:source.tls "$(tls_for "${SOURCE_FLAVOR:-mariadb}")"
set_plain rdsreplication:replica.host "$REPLICA_HOST"
set_plain rdsreplication:replica.port "$REPLICA_PORT"
set_plain rdsreplication:replica.username "$REPLICA_ADMIN_USER"
set_secret rdsreplication:replica.password "$REPLICA_ADMIN_PASSWORD"
set_plain rdsreplication:replica.tls "$(tls_for "${REPLICA_FLAVOR:-mariadb}")"
# and the replication link from a MySQL source needs encryption for the same reason (the 2061 diagnosis)
if [ "${SOURCE_FLAVOR:-mariadb}" = mysql ]; then set_plain sslEncryption true; fi
