#!/usr/bin/env bash
# Failover benchmark of the cluster bundle: time from a node's death (SIGKILL of the coordinator's JVM) to a new
# quorate view with a coordinator, for 2 (disk lease), 3 and 5 real forked JVMs on loopback and for 2, 3, 5 and
# 32 simulated nodes (virtual time). Prints a table of median and max over TRIALS (default 20).
# Usage: scripts/bench/cluster.sh [TRIALS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TRIALS="${1:-20}"
bench_build bundles/cluster
CP=$(bench_cp bundles/cluster)
cd "$BENCH_ROOT"
results=()
for n in 2 3 5; do
  out="$(mktemp)"
  timeout 900 "$JAVA" -cp "$CP" org.duplex.cluster.jgroups.FailoverBench "$n" "$TRIALS" > "$out" \
    || { cat "$out" >&2; rm -f "$out"; bench_die "FailoverBench with $n real nodes failed"; }
  cat "$out" >&2
  r="$(grep '^RESULT' "$out" || true)"
  rm -f "$out"
  [ -n "$r" ] || bench_die "FailoverBench with $n real nodes printed no RESULT line"
  results+=("$r")
done
for k in ${SIM_KINDS:-TWO_NODE_DISK MAJORITY_3 MAJORITY_5 MAJORITY_32}; do
  r="$("$JAVA" -cp "$CP" org.duplex.cluster.sim.SimFailoverBench "$k" "$TRIALS" | grep '^RESULT' || true)"
  [ -n "$r" ] || bench_die "SimFailoverBench $k printed no RESULT line"
  results+=("$r")
done
echo
printf '%-34s %10s %10s %7s\n' "setup" "median ms" "max ms" "trials"
for r in "${results[@]}"; do
  # RESULT <kind> <what>: median X ms, max Y ms over N trials
  what="$(sed -E 's/^RESULT (.*): median.*/\1/' <<<"$r")"
  med="$(sed -E 's/.*median ([0-9]+) ms.*/\1/' <<<"$r")"
  max="$(sed -E 's/.*max ([0-9]+) ms.*/\1/' <<<"$r")"
  n="$(sed -E 's/.*over ([0-9]+) trials.*/\1/' <<<"$r")"
  printf '%-34s %10s %10s %7s\n' "$what" "$med" "$max" "$n"
done
