#!/usr/bin/env bash
# Builds the plugin tarball that `pulumi plugin install resource rdsreplication <version> --file <tarball>`
# accepts: the launcher and the jar at the top level.  dist.sh VERSION JAR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$1 JAR=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$ROOT/provider/bin/pulumi-resource-rdsreplication" "$stage/"
chmod 755 "$stage/pulumi-resource-rdsreplication"
cp "$JAR" "$stage/pulumi-resource-rdsreplication.jar"
cp "$ROOT/README.md" "$stage/README.md"
mkdir -p "$ROOT/dist"
out="$ROOT/dist/pulumi-resource-rdsreplication-v$VERSION-linux-amd64.tar.gz"
tar -C "$stage" -czf "$out" pulumi-resource-rdsreplication pulumi-resource-rdsreplication.jar README.md
echo "$out"
