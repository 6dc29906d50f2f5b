#!/usr/bin/env bash
# Builds the generated SDKs into their packages (git-ignored outputs):
#   nodejs  sdk/nodejs/bin (compiled with tsc) and dist/sdk/rdsreplication-pulumi-rdsreplication-<version>.tgz (npm pack)
#   python  dist/sdk/pulumi_rdsreplication-<version>.tar.gz and -py3-none-any.whl, in the venv .testbed/pyvenv
#   go      go build ./... in sdk/go (a module of its own)
#   build-sdk.sh [nodejs|python|go...]   (default: all three; Java builds with Maven: mvn -pl sdk/java -am install)
# Fetches @pulumi/pulumi 3.259.0 from npm, pulumi==3.259.0 from PyPI and github.com/pulumi/pulumi/sdk/v3 v3.259.0
# from the Go module proxy the first time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=$ROOT/dist/sdk
PYVENV=${PYVENV:-$ROOT/.testbed/pyvenv}
mkdir -p "$DIST"
log() { printf 'build-sdk: %s\n' "$*" >&2; }

nodejs() {
  cd "$ROOT/sdk/nodejs"
  # no package-lock.json in the generated folder (it would read as a stale SDK)
  npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null
  rm -rf bin
  npx --no-install tsc
  cp package.json README.md bin/
  (cd bin && npm pack --pack-destination "$DIST" --loglevel=error >/dev/null)
  log "nodejs: $(ls "$DIST"/rdsreplication-pulumi-rdsreplication-*.tgz)"
}

pyvenv() {
  if [ ! -x "$PYVENV/bin/python" ]; then
    python3 -m venv "$PYVENV"
  fi
  "$PYVENV/bin/pip" install -q pulumi==3.259.0 build setuptools wheel
}

python() {
  pyvenv
  rm -f "$DIST"/pulumi_rdsreplication-*
  "$PYVENV/bin/python" -m build --no-isolation --sdist --wheel --outdir "$DIST" "$ROOT/sdk/python" >"$DIST/python-build.log" 2>&1 \
    || { cat "$DIST/python-build.log" >&2; exit 1; }
  log "python: $(ls "$DIST"/pulumi_rdsreplication-*)"
}

go_() {
  (cd "$ROOT/sdk/go" && go build ./...)
  log "go: go build ./... in sdk/go passed"
}

languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(nodejs python go)
for language in "${languages[@]}"; do
  case $language in
    nodejs) (nodejs) ;;
    python) (python) ;;
    go) (go_) ;;
    *) echo "build-sdk: unknown language $language (nodejs, python or go)" >&2; exit 2 ;;
  esac
done
