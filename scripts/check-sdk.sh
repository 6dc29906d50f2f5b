#!/usr/bin/env bash
# Fails when a committed SDK is stale: regenerates all four SDKs from schema.json into a temporary folder
# (scripts/gen-sdk.sh) and compares each with sdk/<language>, build outputs aside. Names every stale SDK.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ROOT/scripts/gen-sdk.sh" "$tmp"
# what the generators write: java's src and README (pom.xml is ours), the other three whole
cp "$ROOT/sdk/java/pom.xml" "$tmp/java/pom.xml"
stale=()
for language in java nodejs python go; do
  if ! diff -r -q --exclude=node_modules --exclude=bin --exclude=dist --exclude=build --exclude='*.egg-info' \
      --exclude=__pycache__ --exclude=target "$ROOT/sdk/$language" "$tmp/$language" >"$tmp/$language.diff" 2>&1; then
    stale+=("$language")
    sed "s:$tmp:<regenerated>:g; s:$ROOT/::g" "$tmp/$language.diff" | head -20 >&2
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "check-sdk: stale SDK(s) in sdk/: ${stale[*]} (they differ from what schema.json generates; run 'make sdk' and commit)" >&2
  exit 1
fi
echo "check-sdk: sdk/java, sdk/nodejs, sdk/python and sdk/go match schema.json"
