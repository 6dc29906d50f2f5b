#!/usr/bin/env bash
# Build the pinned pulumi CLI and the YAML and Java language hosts from Go modules into .bin/ (git-ignored),
# once: a binary that already reports the pinned version is kept. Tools modules: tools/pulumi-*/go.mod.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.bin
PULUMI_VERSION=v3.259.0
mkdir -p "$BIN"
log() { printf 'pulumi-build: %s\n' "$*" >&2; }

if [ -x "$BIN/pulumi" ] && "$BIN/pulumi" version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
  :
else
  log "building pulumi $PULUMI_VERSION from Go modules (first time only; several minutes)"
  (cd "$ROOT/tools/pulumi-cli" && go build -o "$BIN/pulumi" \
     -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
     github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
fi
if [ ! -x "$BIN/pulumi-language-yaml" ]; then
  log "building pulumi-language-yaml"
  (cd "$ROOT/tools/pulumi-yaml" && go build -o "$BIN/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
fi
if [ ! -x "$BIN/pulumi-language-java" ]; then
  log "building pulumi-language-java"
  (cd "$ROOT/tools/pulumi-java" && go build -o "$BIN/pulumi-language-java" github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java)
fi
log "$("$BIN/pulumi" version) with yaml and java language hosts in $BIN"
