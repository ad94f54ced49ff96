#!/usr/bin/env bash
# Cross-node execution benchmark of the cluster bundle: two cluster nodes in one JVM on loopback (real JGroups,
# encrypted). Round trip of an order from the coordinator to the other node's executor (a stub that answers at
# once) and back, and time from a failover configuration save on the non-coordinator until the coordinator's
# store shows it. Usage: scripts/bench/cluster-exec.sh [ORDERS] [SAVES]   (defaults 1000, 50)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ORDERS="${1:-1000}"
SAVES="${2:-50}"
bench_build bundles/cluster
CP=$(bench_cp bundles/cluster)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 300 "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
  org.duplex.cluster.jgroups.ExecutionBench "$ORDERS" "$SAVES" >"$log" 2>&1 \
  || { tail -n 30 "$log" >&2; bench_die "ExecutionBench failed"; }
out="$(grep '^RESULT' "$log" || true)"
[ -n "$out" ] || { tail -n 30 "$log" >&2; bench_die "ExecutionBench printed no RESULT line"; }
echo
printf '%-36s %10s %10s %10s %7s\n' "what" "median ms" "p99 ms" "max ms" "trials"
while IFS= read -r r; do
  what="$(sed -E 's/^RESULT (.*): median.*/\1/' <<<"$r")"
  med="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$r")"
  p99="$(sed -E 's/.*p99 ([0-9.]+) ms.*/\1/' <<<"$r")"
  max="$(sed -E 's/.*max ([0-9.]+) ms.*/\1/' <<<"$r")"
  n="$(sed -E 's/.*over ([0-9]+) trials.*/\1/' <<<"$r")"
  printf '%-36s %10s %10s %10s %7s\n' "$what" "$med" "$p99" "$max" "$n"
done <<<"$out"
