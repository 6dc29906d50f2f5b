#!/usr/bin/env bash
# `make bench`, WAN part: SourceSnapshot against the runbook's dump pipe and mydumper/myloader through one
# shaped link between the source and the copier (WanBench). The replica side stays local: the figures model the
# copier running next to the RDS instance (an EC2 host in its VPC, or the user's machine next to it), reading the
# source across the link.
#
# The link: copier -> Toxiproxy on 127.0.0.1:$WAN_PORT (latency each way; Toxiproxy's own bandwidth toxic limits
# each connection apart, so it is not used) -> a veth pair into a network namespace and back, with a tbf rate
# limit on both ends that all connections share (a real link's bandwidth) -> the source. Needs root (ip netns, tc).
#
#   bench/wan.sh                  up, run WanBench, down
#   bench/wan.sh up | down        build the link / take it away
#   bench/wan.sh profile MBIT MS  set the link: MBIT Mbit/s shared, MS ms latency each way
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
. "$ROOT/.testbed/env"
RUN="$ROOT/.testbed/wan"
API_PORT=${TOXIPROXY_API_PORT:-48474}
WAN_PORT=${WAN_PORT:-43310}
NS_PORT=$((WAN_PORT + 1))
HOST_PORT=$((WAN_PORT + 2))
NET=10.200.$((SOURCE_PORT % 250))
NS=rdsrepl-wan-$SOURCE_PORT
HV=rwh$SOURCE_PORT
NV=rwn$SOURCE_PORT
API=http://127.0.0.1:$API_PORT

start() { # name, command...: started in the background, its pid kept under .testbed/wan
  local name=$1; shift
  "$@" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

up() {
  down quiet
  mkdir -p "$RUN"
  command -v socat >/dev/null || apt-get install -y socat >/dev/null
  local toxi
  toxi=$("$ROOT/testbed/toxiproxy.sh")
  ip netns add "$NS"
  ip link add "$HV" type veth peer name "$NV"
  ip link set "$NV" netns "$NS"
  ip addr add "$NET.1/30" dev "$HV"
  ip link set "$HV" up
  ip netns exec "$NS" ip addr add "$NET.2/30" dev "$NV"
  ip netns exec "$NS" ip link set "$NV" up
  ip netns exec "$NS" ip link set lo up
  # into the namespace and back out: every byte of the source's answers crosses both shaped ends
  start fwd-host socat "TCP-LISTEN:$HOST_PORT,bind=$NET.1,reuseaddr,fork" "TCP:127.0.0.1:$SOURCE_PORT"
  start fwd-ns ip netns exec "$NS" socat "TCP-LISTEN:$NS_PORT,bind=$NET.2,reuseaddr,fork" "TCP:$NET.1:$HOST_PORT"
  start toxiproxy "$toxi" -host 127.0.0.1 -port "$API_PORT"
  for _ in $(seq 50); do curl -sf "$API/version" >/dev/null && break; sleep 0.1; done
  curl -sf -XPOST "$API/proxies" -d "{\"name\":\"wan\",\"listen\":\"127.0.0.1:$WAN_PORT\",\"upstream\":\"$NET.2:$NS_PORT\"}" >/dev/null
  for s in upstream downstream; do
    curl -sf -XPOST "$API/proxies/wan/toxics" -d "{\"name\":\"lat-$s\",\"type\":\"latency\",\"stream\":\"$s\",\"attributes\":{\"latency\":0}}" >/dev/null
  done
  echo "wan: link up: 127.0.0.1:$WAN_PORT -> $NET.2:$NS_PORT ($NS) -> 127.0.0.1:$SOURCE_PORT"
}

profile() { # Mbit/s, ms each way
  local mbit=$1 ms=$2
  # burst: at least one 1 ms tick of the rate, and one GSO packet
  local burst=$(( mbit * 1000 / 8 > 262144 ? mbit * 1000 / 8 : 262144 ))
  tc qdisc replace dev "$HV" root tbf rate "${mbit}mbit" burst "$burst" limit $((burst * 8))
  ip netns exec "$NS" tc qdisc replace dev "$NV" root tbf rate "${mbit}mbit" burst "$burst" limit $((burst * 8))
  for s in upstream downstream; do
    curl -sf -XPOST "$API/proxies/wan/toxics/lat-$s" -d "{\"attributes\":{\"latency\":$ms}}" >/dev/null
  done
}

down() {
  for f in "$RUN"/*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HV" 2>/dev/null || true
  [ "${1:-}" = quiet ] || echo "wan: link down"
}

case "${1:-run}" in
  up) up ;;
  down) down ;;
  profile) profile "$2" "$3" ;;
  run)
    command -v mydumper >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y mydumper >/dev/null; }
    up
    trap down EXIT
    echo "wan benchmark: ${BENCH_MB:-1024} MiB per data shape, every copy through the same link (several minutes)"
    cd "$ROOT"
    mvn -B -ntp -pl provider failsafe:integration-test -Dit.test=WanBench -Dbench=true -DfailIfNoTests=false \
      -Dwan.port="$WAN_PORT" -Dwan.script="$ROOT/bench/wan.sh" -Dwan.link="$HV" 2>&1 | grep --line-buffered -E '^wan:|FAIL|ERROR' || true
    ;;
  *) echo "usage: bench/wan.sh [run|up|down|profile MBIT MS]" >&2; exit 2 ;;
esac
