#!/usr/bin/env bash
# Builds the plugin tarball that `pulumi plugin install resource rdsreplication <version> [--server URL | --file F]`
# accepts, for a machine without Java:  dist.sh VERSION JAR  →  dist/pulumi-resource-rdsreplication-v<VERSION>-linux-amd64.tar.gz
#   pulumi-resource-rdsreplication        the launcher (uses jre/ when present, else the system Java 17+)
#   pulumi-resource-rdsreplication.jar    the plugin
#   jre/                                  a jlinked runtime with only the modules the jar uses (jdeps)
#   jre/rdsreplication.jsa | .aot         the startup archive made for that runtime by one training start
#                                         (JDK 17: class-data sharing; JDK 25: the AOT cache)
#   README.md
# DIST_JDK picks the JDK whose runtime is bundled (default JDK 17: its CDS archive started the plugin faster than
# JDK 25's AOT cache here, see README). DIST_OUT overrides the output folder (default dist/).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$1 JAR=$2
JDK=${DIST_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
OUT=${DIST_OUT:-$ROOT/dist}
# The jar's modification time inside the tarball: JDK 17 refuses a CDS archive whose jar has another mtime, and
# `pulumi plugin install` does not keep mtimes, so the launcher sets this one back once (see the launcher).
JAR_MTIME=315532800
for tool in jlink jdeps; do
  [ -x "$JDK/bin/$tool" ] || { echo "dist: $JDK/bin/$tool not found (set DIST_JDK to a JDK 17+ with jmods)" >&2; exit 1; }
done
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JDK/release")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# modules: what jdeps finds in the jar, less java.desktop (AWT, 7 MB of the tarball), which the jar reaches only
# for the annotations java.beans.Transient/ConstructorProperties: reflection skips an annotation whose class is
# absent, and jackson-databind requires java.desktop `static` (optional); plus the elliptic-curve provider TLS
# needs on JDK 17 (a module of its own there, loaded by name as a security provider, so jdeps cannot see it)
modules=$("$JDK/bin/jdeps" --ignore-missing-deps --multi-release "$major" --print-module-deps "$JAR")
modules=$(tr ',' '\n' <<<"$modules" | grep -vx java.desktop | paste -sd,)
[ -f "$JDK/jmods/jdk.crypto.ec.jmod" ] && modules="$modules,jdk.crypto.ec"
# no jimage compression: the tarball's gzip does better on plain class files (16 MB against 22 MB for the
# modules file on JDK 17), and classes that start the plugin come from the archive anyway
"$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$stage/jre" >/dev/null
# the launcher never asks for uncompressed oops (small heap), so the second default archive is dead weight
rm -f "$stage/jre/lib/server/classes_nocoops.jsa"

cp "$ROOT/provider/bin/pulumi-resource-rdsreplication" "$stage/"
chmod 755 "$stage/pulumi-resource-rdsreplication"
cp "$JAR" "$stage/pulumi-resource-rdsreplication.jar"
# less the jar's native libraries (netty's epoll and tcnative builds for four platforms, 5 MB): the launcher runs
# netty on NIO (noNative) and the plugin's gRPC is plaintext on localhost, so none is ever loaded
if command -v zip >/dev/null; then
  zip -q -d "$stage/pulumi-resource-rdsreplication.jar" 'META-INF/native/*' || [ $? -eq 12 ] # 12: nothing to delete
fi
touch -m -d "@$JAR_MTIME" "$stage/pulumi-resource-rdsreplication.jar"
cp "$ROOT/README.md" "$stage/README.md"

# one training start through the launcher itself, so the archive is made with exactly the flags it runs with
if [ "$major" -ge 25 ]; then
  archive=jre/rdsreplication.aot train=-XX:AOTCacheOutput=jre/rdsreplication.aot
else
  archive=jre/rdsreplication.jsa train=-XX:ArchiveClassesAtExit=jre/rdsreplication.jsa
fi
if ! RDSREPLICATION_EXIT_AFTER_START=1 RDSREPLICATION_JAVA_OPTS=$train "$stage/pulumi-resource-rdsreplication" \
     >/dev/null 2>"$stage/train.log" || [ ! -s "$stage/$archive" ]; then
  cat "$stage/train.log" >&2
  echo "dist: the training start did not write $archive" >&2
  exit 1
fi
rm -f "$stage/train.log" "$stage/jre/rdsreplication.aot.config" "$stage/jre/rdsreplication.jsa.mtime"
chmod 644 "$stage/$archive"

mkdir -p "$OUT"
out="$OUT/pulumi-resource-rdsreplication-v$VERSION-linux-amd64.tar.gz"
tar -C "$stage" -czf "$out" --owner=0 --group=0 pulumi-resource-rdsreplication pulumi-resource-rdsreplication.jar README.md jre
echo "$out"
