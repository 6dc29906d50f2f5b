#!/usr/bin/env bash
# The `make dist` tarball as a user without Java gets it (run once by `make test`, on the running test bed):
#  - dist/ is served over HTTP on 127.0.0.1 (python3 -m http.server, stopped by its PID at the end);
#  - (a) `pulumi plugin install resource rdsreplication VERSION --server URL` into a fresh PULUMI_HOME, and the
#    installed plugin starts on its bundled runtime with its startup archive in use (-Xshare:on / AOTMode=on
#    make the JVM fail rather than start without it);
#  - (b) a YAML program that only names the package (type tokens, version and the schema's pluginDownloadURL,
#    which PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES sends to the local server) previewed in another fresh
#    PULUMI_HOME: the engine fetches the plugin by itself; the preview calls getSourceStatus on the source (over
#    TLS, verifying the test bed's CA) and getInstanceEndpoint on the RDS API (moto) and checks a
#    SecurityGroupIngress; a second preview with a bad CIDR fails naming sourceCidr;
#  all with no java on PATH and no JAVA_HOME (a PATH of a few symlinks: pulumi, the YAML host, bash basics).
#   scripts/dist-test.sh            (after `make dist` and `make testbed-up`)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)
TARBALL=pulumi-resource-rdsreplication-v$VERSION-linux-amd64.tar.gz
# shellcheck disable=SC1091
. "$ROOT/.testbed/env"
start=$SECONDS
fail() { echo "dist-test: FAILED: $*" >&2; exit 1; }
[ -f "$ROOT/dist/$TARBALL" ] || fail "dist/$TARBALL is missing (make dist)"
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# the HTTP server, on a free port of 127.0.0.1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$ROOT/dist" "$port" >"$tmp/http.log" 2>&1 &
server_pid=$!
url=http://127.0.0.1:$port
for _ in $(seq 1 100); do
  python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url/" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "the HTTP server did not start: $(cat "$tmp/http.log")"
  sleep 0.2
done

# a PATH without java: pulumi, the YAML language host, and what the launcher runs
bin=$tmp/bin
mkdir -p "$bin"
ln -s "$(readlink -f "$ROOT/.bin/pulumi")" "$bin/pulumi"
ln -s "$(readlink -f "$ROOT/.bin/pulumi-language-yaml")" "$bin/pulumi-language-yaml"
for tool in bash env readlink touch sed head cat; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
nojava() { env -i HOME="$tmp" PATH="$bin" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$PULUMI_HOME" "$@"; }
PULUMI_HOME=$tmp/none
if nojava bash -c 'command -v java' >/dev/null; then fail "java is on the PATH meant to have none"; fi

# (a) pulumi plugin install --server
PULUMI_HOME=$tmp/home-a
nojava pulumi plugin install resource rdsreplication "$VERSION" --server "$url" >"$tmp/install.log" 2>&1 \
  || fail "pulumi plugin install --server: $(cat "$tmp/install.log")"
plugin=$PULUMI_HOME/plugins/resource-rdsreplication-v$VERSION
[ -x "$plugin/jre/bin/java" ] || fail "no bundled runtime in $plugin"
grep -q "GET /$TARBALL HTTP/1.1\" 200" "$tmp/http.log" || fail "the server did not serve $TARBALL: $(cat "$tmp/http.log")"
if [ -f "$plugin/jre/rdsreplication.aot" ]; then on=-XX:AOTMode=on; else on=-Xshare:on; fi
out=$(nojava RDSREPLICATION_EXIT_AFTER_START=1 RDSREPLICATION_JAVA_OPTS="$on" "$plugin/pulumi-resource-rdsreplication" 2>"$tmp/start.err") \
  || fail "the installed plugin did not start with its archive ($on): $(cat "$tmp/start.err")"
[[ $out =~ ^[0-9]+$ ]] || fail "the installed plugin's stdout is not just a port line: '$out'"
echo "dist-test: (a) pulumi plugin install --server $url: installed, starts without Java on PATH, archive in use"

# (b) the engine fetches the plugin for a program that only names the package
PULUMI_HOME=$tmp/home-b
download=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pluginDownloadURL"])' "$ROOT/schema.json")
prog=$tmp/prog
mkdir -p "$prog" "$tmp/state"
cat >"$prog/Pulumi.yaml" <<EOF
name: rdsreplication-dist
runtime: yaml
config:
  dbInstanceIdentifier:
    type: string
  sourceCidr:
    type: string
variables:
  sourceStatus:
    fn::invoke:
      function: rdsreplication:index:getSourceStatus
      arguments: {}
      options:
        version: $VERSION
        pluginDownloadURL: $download
  endpoint:
    fn::invoke:
      function: rdsreplication:index:getInstanceEndpoint
      arguments:
        dbInstanceIdentifier: \${dbInstanceIdentifier}
      options:
        version: $VERSION
        pluginDownloadURL: $download
resources:
  ingress:
    type: rdsreplication:index:SecurityGroupIngress
    properties:
      dbInstanceIdentifier: \${dbInstanceIdentifier}
      sourceCidr: \${sourceCidr}
      description: dist test
    options:
      version: $VERSION
      pluginDownloadURL: $download
outputs:
  sourceServerId: \${sourceStatus.serverId}
  sourceBinlogFile: \${sourceStatus.binlogFile}
  replicaPort: \${endpoint.port}
EOF
stack() {
  (cd "$prog" && nojava PULUMI_BACKEND_URL="file://$tmp/state" PULUMI_CONFIG_PASSPHRASE=dist-test-only \
    AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES="^${download}\$=$url" "$@")
}
stack pulumi stack init dev >/dev/null 2>&1 || fail "pulumi stack init failed"
for kv in "dbInstanceIdentifier=$DB_INSTANCE_ID" "sourceCidr=$SOURCE_HOST/32" "rdsreplication:region=$AWS_REGION" \
  "rdsreplication:awsEndpointUrl=$AWS_ENDPOINT_URL" "rdsreplication:source.host=$SOURCE_HOST" \
  "rdsreplication:source.port=$SOURCE_PORT" "rdsreplication:source.username=$SOURCE_ROOT_USER"; do
  stack pulumi config set --path "${kv%%=*}" "${kv#*=}" >/dev/null
done
# TLS with the certificate verified against the test bed's CA: the bundled runtime's TLS and crypto modules
stack pulumi config set --path rdsreplication:source.tls verifyCa >/dev/null
stack pulumi config set --path rdsreplication:source.caCert <"$SOURCE_TLS_CA" >/dev/null
printf '%s' "$SOURCE_ROOT_PASSWORD" | stack pulumi config set --path --secret rdsreplication:source.password >/dev/null
[ ! -e "$PULUMI_HOME/plugins/resource-rdsreplication-v$VERSION" ] || fail "the plugin was there before the preview"
stack pulumi preview >"$tmp/preview.log" 2>&1 || fail "preview: $(cat "$tmp/preview.log")"
[ -x "$PULUMI_HOME/plugins/resource-rdsreplication-v$VERSION/jre/bin/java" ] \
  || fail "the engine did not install the plugin into PULUMI_HOME: $(cat "$tmp/preview.log")"
[ "$(grep -c "GET /$TARBALL HTTP/1.1\" 200" "$tmp/http.log")" -ge 2 ] || fail "the engine did not fetch $TARBALL from $url"
# what the source itself says, as the test bed asks it (root over the socket, the Debian MariaDB client)
server_id=$(mariadb --no-defaults -uroot --socket="$SOURCE_SOCKET" -N -B -e 'SELECT @@server_id')
grep -Eq "sourceServerId *: *$server_id\$" "$tmp/preview.log" || fail "preview: no sourceServerId $server_id: $(cat "$tmp/preview.log")"
grep -Eq "sourceBinlogFile *: *\"[^\"]+\.[0-9]+\"" "$tmp/preview.log" || fail "preview: no binlog file: $(cat "$tmp/preview.log")"
grep -Eq "replicaPort *: *$REPLICA_PORT\$" "$tmp/preview.log" || fail "preview: no replicaPort $REPLICA_PORT: $(cat "$tmp/preview.log")"
grep -q "+ 2 to create" "$tmp/preview.log" || fail "preview: the rule is not to be created: $(cat "$tmp/preview.log")"
stack pulumi config set sourceCidr not-a-cidr >/dev/null
if stack pulumi preview >"$tmp/bad.log" 2>&1; then fail "a preview with sourceCidr=not-a-cidr passed: $(cat "$tmp/bad.log")"; fi
grep -q "sourceCidr" "$tmp/bad.log" || fail "the bad-input preview does not name sourceCidr: $(cat "$tmp/bad.log")"
echo "dist-test: (b) the engine fetched the plugin for a YAML program (pluginDownloadURL $download -> $url);" \
  "preview ran getSourceStatus (server_id $server_id), getInstanceEndpoint and Check; bad sourceCidr refused by name"
echo "dist-test: passed in $((SECONDS - start)) s, with no java on PATH and no JAVA_HOME"
