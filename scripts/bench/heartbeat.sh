#!/usr/bin/env bash
# Heartbeat benchmarks (loopback UDP, default timing): detection latency over N trials, and the CPU / memory of
# one node heartbeating with 31 peers. Prints a table.
#   scripts/bench/heartbeat.sh [all|latency|overhead] [trials=50] [window-seconds=30]
set -euo pipefail
cd "$(dirname "$0")/../.."
MOD=bundles/heartbeat
mvn -q -o install -pl bundles/api -DskipTests
mvn -q -o test-compile -pl "$MOD"
CP=$(mvn -q -o dependency:build-classpath -pl "$MOD" -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -Xmx256m -Dbench.batch="${BENCH_BATCH:-0,20,50}" \
  -cp "$MOD/target/classes:$MOD/target/test-classes:$CP" \
  org.duplex.heartbeat.bench.HeartbeatBench "${1:-all}" "${2:-50}" "${3:-30}"
