#!/usr/bin/env bash
# Writes a class-data-sharing archive beside an installed plugin (DIR/pulumi-resource-rdsreplication.jsa) from
# one training start, so later starts map the classes instead of loading them. The archive belongs to the JVM
# that wrote it: the launcher passes -Xshare:auto, so another JVM ignores it and starts normally.
set -euo pipefail
DIR=$1
jar=$DIR/pulumi-resource-rdsreplication.jar
jsa=$DIR/pulumi-resource-rdsreplication.jsa
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
rm -f "$jsa"
RDSREPLICATION_EXIT_AFTER_START=1 "$java" -XX:+UseSerialGC -XX:-UsePerfData -Xss512k \
  -Dio.grpc.netty.shaded.io.netty.transport.noNative=true \
  -XX:ArchiveClassesAtExit="$jsa" -jar "$jar" >/dev/null 2>"$DIR/cds.log" || { echo "cds: training run failed (see $DIR/cds.log); the plugin works without it" >&2; rm -f "$jsa"; }
