#!/usr/bin/env bash
# Regenerates sdk/java/src from schema.json with the pinned pulumi CLI and Java language host.
#   gen-sdk.sh [OUT_DIR]   (default: sdk/java; the build file sdk/java/pom.xml is kept)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/sdk/java}
export PATH=$ROOT/.bin:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pulumi package gen-sdk "$ROOT/schema.json" --language java -o "$tmp" >/dev/null 2>&1
mkdir -p "$OUT"
rm -rf "$OUT/src"
cp -r "$tmp/java/src" "$OUT/src"
cp "$tmp/java/README.md" "$OUT/README.md"
