#!/usr/bin/env bash
# Regenerates the four SDKs from schema.json: Java with the pinned pulumi CLI and Java language host
# (`pulumi package gen-sdk`), TypeScript (nodejs), Python and Go with our generator tools/sdkgen (Pulumi's codegen
# packages; the nodejs/python/go language hosts cannot be had here). Build outputs inside sdk/<language>
# (node_modules, bin, dist, build, *.egg-info, __pycache__) are left alone; every other file is the generator's.
#   gen-sdk.sh [SDK_ROOT]   (default: sdk; writes SDK_ROOT/{java,nodejs,python,go}; sdk/java/pom.xml is kept)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/sdk}
export PATH=$ROOT/.bin:$PATH
# our generator, built into .bin like the other Go tools (Go's build cache makes a rebuild take a moment)
(cd "$ROOT/tools/sdkgen" && go build -o "$ROOT/.bin/sdkgen" .)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Java: sources and README only (language.java.buildFiles = none; the build file is ours)
pulumi package gen-sdk "$ROOT/schema.json" --language java -o "$tmp" >/dev/null 2>&1
mkdir -p "$OUT/java"
rm -rf "$OUT/java/src"
cp -r "$tmp/java/src" "$OUT/java/src"
cp "$tmp/java/README.md" "$OUT/java/README.md"

# TypeScript, Python, Go
sdkgen "$ROOT/schema.json" "$tmp" nodejs python go
# the Go SDK's go.sum: what its imports need at the versions its go.mod pins (from the module cache or proxy)
(cd "$tmp/go" && go mod tidy >/dev/null 2>&1) || { echo "gen-sdk: go mod tidy failed in the Go SDK" >&2; exit 1; }
for language in nodejs python go; do
  mkdir -p "$OUT/$language"
  rsync -a --delete --exclude=node_modules/ --exclude=/bin/ --exclude=dist/ --exclude=build/ \
    --exclude='*.egg-info/' --exclude=__pycache__/ "$tmp/$language/" "$OUT/$language/"
done
