#!/usr/bin/env bash
# The local test bed: two MySQL-family servers (an external "source" and an "RDS replica" carrying emulated
# mysql.rds_* procedures), moto in server mode for EC2/RDS, and the pulumi CLI. Everything listens on
# 127.0.0.1, lives under .testbed/ (git-ignored) and is stopped by the PIDs recorded there.
# When the replica is RDS for MySQL (generations mysql80, mysql84: multi-source replication, *_for_channel), a
# second source "source2" (the source's engine, server-id 3) runs too, so two sources can feed one replica.
#   testbed.sh up | down | status | prepare ENGINE...
# ENGINES=<source>:<replica> picks the engines (see testbed/engines.sh; default mariadb1011:mariadb1011).
# Ports: SOURCE_PORT (13306), REPLICA_PORT (13307), MOTO_PORT (15000), SOURCE2_PORT (SOURCE_PORT + 2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB=${TESTBED_DIR:-$ROOT/.testbed}
SOURCE_PORT=${SOURCE_PORT:-13306}
REPLICA_PORT=${REPLICA_PORT:-13307}
MOTO_PORT=${MOTO_PORT:-15000}
SOURCE2_PORT=${SOURCE2_PORT:-$((SOURCE_PORT + 2))}
MOTO_VERSION=5.2.5
RUNUSER=$(id -un)
log() { printf 'testbed: %s\n' "$*" >&2; }
# shellcheck source=testbed/engines.sh
. "$ROOT/testbed/engines.sh"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The pair of engines: ENGINES=<source>:<replica>; without it, the pair that runs or ran last (recorded in
# .testbed/engines.pair), so a restart after a fault brings back the same servers; else MariaDB 10.11 twice.
resolve_engines() {
  local pair=${ENGINES:-}
  [ -n "$pair" ] || { [ -s "$TB/engines.pair" ] && pair=$(cat "$TB/engines.pair"); }
  [ -n "$pair" ] || pair=mariadb1011:mariadb1011
  SOURCE_ENGINE=${pair%%:*}; REPLICA_ENGINE=${pair#*:}
  if [ "$pair" != "$SOURCE_ENGINE:$REPLICA_ENGINE" ] || ! engine_valid "$SOURCE_ENGINE" || ! engine_valid "$REPLICA_ENGINE"; then
    echo "ENGINES=$pair: expected <source>:<replica>, each one of: $ENGINE_IDS" >&2; exit 2
  fi
  ENGINES=$SOURCE_ENGINE:$REPLICA_ENGINE
}

secret() { # name -> a stable random password kept in .testbed/secrets
  local f=$TB/secrets/$1
  if [ ! -s "$f" ]; then
    mkdir -p "$TB/secrets"; chmod 700 "$TB/secrets"
    ( umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$f" )
  fi
  cat "$f"
}

sock() { echo "$TB/$1/mysqld.sock"; }
# root over the socket with the Debian MariaDB client (it speaks to every engine here, MySQL included)
rootsql() { mariadb --no-defaults -uroot --socket="$(sock "$1")" "${@:2}"; }

stop_pidfile() { # pidfile name
  if alive "$1"; then
    local pid; pid=$(cat "$1")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}

start_server() { # name port server_id engine extra args...
  local name=$1 port=$2 sid=$3 engine=$4; shift 4
  local d=$TB/$name
  # a data directory made by today's script before engines were recorded is MariaDB 10.11's
  [ -f "$d/engine" ] || { [ -d "$d/data/mysql" ] && echo mariadb1011 >"$d/engine"; } || true
  if [ -f "$d/engine" ] && [ "$(cat "$d/engine")" != "$engine" ]; then
    log "$name: switching from $(cat "$d/engine") to $engine (its data directory starts afresh)"
    stop_pidfile "$d/mysqld.pid" "$name"
    rm -rf "$d"
  fi
  if alive "$d/mysqld.pid" && rootsql "$name" -e 'SELECT 1' >/dev/null 2>&1; then
    log "$name ($engine) already up on 127.0.0.1:$port (pid $(cat "$d/mysqld.pid"))"; return 0
  fi
  # a server that was killed leaves its pid file (and MySQL its socket lock) behind: they name no server of ours
  # any more, and MySQL refuses to start if the PID in the lock now belongs to another process
  alive "$d/mysqld.pid" || rm -f "$d/mysqld.pid" "$d/mysqld.sock.lock"
  if [ ! -f "$d/engine" ]; then
    rm -rf "$d"; mkdir -p "$d/data" "$d/tmp"
    if ! engine_init_datadir "$engine" "$d/data" "$d/install.log"; then
      log "$name: initialising a $engine data directory failed:"; tail -20 "$d/install.log" >&2
      # errno 28 (ENOSPC) hides in InnoDB's words; say it plainly
      if grep -q 'error 28\|No space left' "$d/install.log"; then
        log "$name: the disk is full: $(df -Ph "$d" | awk 'NR==2 {print $4 " free on " $6}')"
      fi
      return 1
    fi
    echo "$engine" >"$d/engine"
  fi
  mkdir -p "$d/tmp" "$d/files"
  local flavor_args=()
  if [ "$(engine_flavor "$engine")" = mysql ]; then
    # GTIDs on, so auto-position works; no X plugin port; LOAD DATA/SELECT INTO OUTFILE confined to a folder of ours
    flavor_args=(--mysqlx=OFF --gtid-mode=ON --enforce-gtid-consistency=ON --secure-file-priv="$d/files")
  fi
  ( engine_server "$engine" --no-defaults --user="$RUNUSER" --datadir="$d/data" --tmpdir="$d/tmp" \
    --port="$port" --bind-address=127.0.0.1 --socket="$d/mysqld.sock" \
    --pid-file="$d/mysqld.pid" --log-error="$d/error.log" \
    --server-id="$sid" --skip-name-resolve --innodb-buffer-pool-size=64M \
    --max-allowed-packet=64M --log-bin="$d/data/$name-bin" --binlog-format=ROW \
    --relay-log="$d/data/relay-bin" --general-log=0 --general-log-file="$d/general.log" \
    "${flavor_args[@]}" "$@" ) >"$d/stdout.log" 2>&1 &
  local launched=$!
  for _ in $(seq 1 900); do
    if [ -s "$d/mysqld.pid" ] && rootsql "$name" -e 'SELECT 1' >/dev/null 2>&1; then
      log "$name ($engine) up on 127.0.0.1:$port (pid $(cat "$d/mysqld.pid"))"; return 0
    fi
    kill -0 "$launched" 2>/dev/null || break
    sleep 0.1
  done
  log "$name ($engine) did not start; last lines of $d/error.log:"; tail -20 "$d/error.log" >&2; return 1
}

# A CA and a server certificate for 127.0.0.1, so the source speaks TLS (tests of tls: verifyCa/verifyIdentity).
make_tls() {
  local d=$TB/tls
  [ -s "$d/server-key.pem" ] && return 0
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=rdsreplication test CA" \
    -keyout "$d/ca-key.pem" -out "$d/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/server-key.pem" -out "$d/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 3650 \
    -extfile "$d/ext.cnf" -out "$d/server-cert.pem" >/dev/null 2>&1
  # a second CA that signed nothing here: verification against it must fail
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=unrelated CA" \
    -keyout "$d/other-ca-key.pem" -out "$d/other-ca.pem" >/dev/null 2>&1
}

# The test roots root@127.0.0.1 (tests connect over TCP). Not binlogged: the replica may be replicating from
# this source right now (a restart after a fault), and a replicated ALTER USER root would give the replica's
# root the source's password.
test_root_sql() { # password
  cat <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$1';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$1';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
SQL
}

setup_source() {
  test_root_sql "$(secret source-root)" | rootsql source
}

# source2 runs only beside an RDS for MySQL replica: multi-source replication (the *_for_channel procedures) is
# RDS for MySQL's; RDS for MariaDB has no channels.
wants_source2() { [ "$(engine_generation "$REPLICA_ENGINE")" != mariadb ]; }

setup_source2() {
  test_root_sql "$(secret source2-root)" | rootsql source2
}

setup_replica() {
  local apw; apw=$(secret replica-admin)
  test_root_sql "$(secret replica-root)" | rootsql replica
  # the RDS emulation of the replica's generation: procedures, mysql.rds_history, the master user admin
  RDS_ADMIN_PASSWORD=$apw "$ROOT/testbed/rds/install.sh" "$(engine_generation "$REPLICA_ENGINE")" -- \
    mariadb --no-defaults -uroot --socket="$(sock replica)"
}


start_moto() {
  local venv=$TB/venv d=$TB/moto
  mkdir -p "$d"
  if ! "$venv/bin/python" -c "import moto, boto3; assert moto.__version__ == '$MOTO_VERSION'" 2>/dev/null; then
    log "installing moto[server]==$MOTO_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  if ! alive "$d/moto.pid"; then
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$d/moto.log" 2>&1 &
    echo $! >"$d/moto.pid"
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/" >/dev/null 2>&1 && break
      sleep 0.1
    done
    log "moto up on 127.0.0.1:$MOTO_PORT (pid $(cat "$d/moto.pid"))"
  else
    log "moto already up on 127.0.0.1:$MOTO_PORT (pid $(cat "$d/moto.pid"))"
  fi
  AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing \
    AWS_SECRET_ACCESS_KEY=testing "$venv/bin/python" "$ROOT/testbed/seed_moto.py" "$REPLICA_PORT" \
    "$(engine_flavor "$REPLICA_ENGINE")" "$(server_version replica)" >"$d/seed.env"
}

pulumi_cli() {
  "$ROOT/testbed/build-pulumi.sh" >&2
}

server_version() { rootsql "$1" -N -e 'SELECT VERSION()'; }
# a value for .testbed/env, which shells source: single-quoted when it holds more than a plain word
# (MariaDB 11.8 from Debian answers VERSION() with "11.8.9-MariaDB-0+deb13u1 from Debian-log")
env_value() { if [[ $1 =~ ^[A-Za-z0-9._+:/@-]*$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/}"; fi; }

write_env() {
  # shellcheck disable=SC1091
  . "$TB/moto/seed.env"
  cat >"$TB/env.tmp" <<ENV
SOURCE_HOST=127.0.0.1
SOURCE_PORT=$SOURCE_PORT
SOURCE_ROOT_USER=root
SOURCE_ROOT_PASSWORD=$(secret source-root)
REPLICA_HOST=127.0.0.1
REPLICA_PORT=$REPLICA_PORT
REPLICA_ROOT_USER=root
REPLICA_ROOT_PASSWORD=$(secret replica-root)
REPLICA_ADMIN_USER=admin
REPLICA_ADMIN_PASSWORD=$(secret replica-admin)
AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=testing
AWS_SECRET_ACCESS_KEY=testing
DB_INSTANCE_ID=$DB_INSTANCE_ID
SECURITY_GROUP_ID=$SECURITY_GROUP_ID
VPC_ID=$VPC_ID
PULUMI=$ROOT/.bin/pulumi
PROVIDER_DIR=$ROOT/.bin/provider
SOURCE_SOCKET=$(sock source)
REPLICA_SOCKET=$(sock replica)
MOTO_PID_FILE=$TB/moto/moto.pid
SOURCE_TLS_CA=$TB/tls/ca.pem
OTHER_TLS_CA=$TB/tls/other-ca.pem
ENGINES=$ENGINES
SOURCE_ENGINE=$SOURCE_ENGINE
REPLICA_ENGINE=$REPLICA_ENGINE
SOURCE_FLAVOR=$(engine_flavor "$SOURCE_ENGINE")
REPLICA_FLAVOR=$(engine_flavor "$REPLICA_ENGINE")
SOURCE_VERSION=$(env_value "$(server_version source)")
REPLICA_VERSION=$(env_value "$(server_version replica)")
ENV
  if alive "$TB/source2/mysqld.pid"; then
    cat >>"$TB/env.tmp" <<ENV
SOURCE2_HOST=127.0.0.1
SOURCE2_PORT=$SOURCE2_PORT
SOURCE2_ROOT_USER=root
SOURCE2_ROOT_PASSWORD=$(secret source2-root)
SOURCE2_SOCKET=$(sock source2)
ENV
  fi
  chmod 600 "$TB/env.tmp"; mv "$TB/env.tmp" "$TB/env"
}

case "${1:-up}" in
  up)
    mkdir -p "$TB"
    resolve_engines
    ensure_host_packages "$SOURCE_ENGINE" "$REPLICA_ENGINE"
    prepare_engine "$SOURCE_ENGINE"
    prepare_engine "$REPLICA_ENGINE"
    make_tls
    echo "$ENGINES" >"$TB/engines.pair"
    start_server source "$SOURCE_PORT" 1 "$SOURCE_ENGINE" --ssl-ca="$TB/tls/ca.pem" \
      --ssl-cert="$TB/tls/server-cert.pem" --ssl-key="$TB/tls/server-key.pem"
    if wants_source2; then
      start_server source2 "$SOURCE2_PORT" 3 "$SOURCE_ENGINE" --ssl-ca="$TB/tls/ca.pem" \
        --ssl-cert="$TB/tls/server-cert.pem" --ssl-key="$TB/tls/server-key.pem"
    else
      stop_pidfile "$TB/source2/mysqld.pid" source2
    fi
    # the replica gets the test bed's certificate too, except MariaDB 10.11 (no TLS there, as before):
    # MariaDB 11.4+ would spend seconds generating one at every start
    replica_tls=()
    [ "$REPLICA_ENGINE" = mariadb1011 ] || replica_tls=(--ssl-cert="$TB/tls/server-cert.pem" --ssl-key="$TB/tls/server-key.pem")
    start_server replica "$REPLICA_PORT" 2 "$REPLICA_ENGINE" --read-only=0 --performance-schema=ON "${replica_tls[@]}"
    setup_source
    if wants_source2; then setup_source2; fi
    setup_replica
    start_moto
    [ "${TESTBED_SKIP_PULUMI:-0}" = 1 ] || pulumi_cli
    write_env
    log "ready ($ENGINES: $(engine_flavor "$SOURCE_ENGINE") $(server_version source) -> $(engine_flavor "$REPLICA_ENGINE") $(server_version replica)): $TB/env"
    ;;
  down)
    stop_pidfile "$TB/moto/moto.pid" moto
    stop_pidfile "$TB/replica/mysqld.pid" replica
    stop_pidfile "$TB/source2/mysqld.pid" source2
    stop_pidfile "$TB/source/mysqld.pid" source
    rm -f "$TB/env"
    ;;
  status)
    [ -s "$TB/engines.pair" ] && echo "engines: $(cat "$TB/engines.pair")"
    for p in source/mysqld.pid source2/mysqld.pid replica/mysqld.pid moto/moto.pid; do
      if alive "$TB/$p"; then echo "$p: running ($(cat "$TB/$p"))"; else echo "$p: stopped"; fi
    done
    ;;
  prepare) # fetch and unpack engines without starting anything: testbed.sh prepare ENGINE...
    shift
    for id in "$@"; do engine_valid "$id" || { echo "unknown engine $id (one of: $ENGINE_IDS)" >&2; exit 2; }; done
    ensure_host_packages "$@"
    for id in "$@"; do prepare_engine "$id"; done
    ;;
  *) echo "usage: $0 up|down|status|prepare ENGINE..." >&2; exit 2 ;;
esac
