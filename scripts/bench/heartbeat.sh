#!/usr/bin/env bash
# Heartbeat benchmarks (loopback UDP, default timing): detection latency over N trials, and the CPU / memory of
# one node heartbeating with 31 peers (after BENCH_WARMUP_MS, default 30000). Prints a table (per-trial
# latencies on stderr).
#   scripts/bench/heartbeat.sh [all|latency|overhead] [trials=50] [window-seconds=30]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
MOD=bundles/heartbeat
bench_build "$MOD"
CP=$(bench_cp "$MOD")
exec "$JAVA" -Xmx256m -Dbench.batch="${BENCH_BATCH:-0,20,50}" -Dbench.warmup.ms="${BENCH_WARMUP_MS:-30000}" -cp "$CP" \
  org.duplex.heartbeat.bench.HeartbeatBench "${1:-all}" "${2:-50}" "${3:-30}"
