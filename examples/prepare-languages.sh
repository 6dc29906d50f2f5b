#!/usr/bin/env bash
# Makes the TypeScript, Python and Go examples runnable here: builds the generated SDKs (scripts/build-sdk.sh),
# installs each example's dependencies against them and builds its Automation API runner:
#   examples/typescript  npm install + tsc (bin/run.js, bin/index.js)
#   examples/python      pip install -r requirements.txt into the venv .testbed/pyvenv (run with its python)
#   examples/go          go build -o bin/run ./cmd/run
# Idempotent; the first run fetches @pulumi/pulumi, pulumi and the Go SDK from their registries.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYVENV=${PYVENV:-$ROOT/.testbed/pyvenv}
"$ROOT/scripts/build-sdk.sh" nodejs python go
# the local SDK afresh (npm keeps an installed copy of a file: dependency whose version did not change)
(cd "$ROOT/examples/typescript" && rm -rf node_modules/@rdsreplication && npm install --no-audit --no-fund --loglevel=error >/dev/null && rm -rf bin && npx --no-install tsc)
# requirements.txt names the SDK by a path relative to the example (as pulumi runs pip there); then the SDK again
# at its current state, even when its version did not change
(cd "$ROOT/examples/python" && "$PYVENV/bin/pip" install -q -r requirements.txt)
(cd "$ROOT/examples/python" && "$PYVENV/bin/pip" install -q --force-reinstall --no-deps ../../sdk/python)
(cd "$ROOT/examples/go" && go build -o bin/run ./cmd/run)
echo "prepare-languages: examples/typescript, examples/python (venv $PYVENV) and examples/go are ready" >&2
