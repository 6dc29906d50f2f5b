#!/usr/bin/env bash
# Prints the path of toxiproxy-server, building it first (Go modules, Toxiproxy v2.5.0) into .bin when missing.
# Used by `make bench` (bench/wan.sh) and by the interrupted-copy test (SnapshotLinkCutIT).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.bin"
VERSION=v2.5.0
if [ ! -x "$BIN/toxiproxy-server" ]; then
  command -v go >/dev/null || { echo "toxiproxy.sh: Go is needed to build Toxiproxy (go install)" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$VERSION" >&2
  mkdir -p "$BIN"
  mv "$tmp/server" "$BIN/toxiproxy-server"
fi
echo "$BIN/toxiproxy-server"
