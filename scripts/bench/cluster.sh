#!/usr/bin/env bash
# Failover benchmark of the cluster bundle: time from a node's death (SIGKILL of the coordinator's JVM) to a new
# quorate view with a coordinator, for 2 (disk lease), 3 and 5 real forked JVMs on loopback and for 2, 3, 5 and
# 32 simulated nodes (virtual time). Prints a table of median and max over TRIALS (default 20).
# Usage: scripts/bench/cluster.sh [TRIALS]
set -euo pipefail
TRIALS="${1:-20}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
mvn -q -o install -pl bundles/api,bundles/cluster -DskipTests
CPFILE="$(mktemp)"
trap 'rm -f "$CPFILE"' EXIT
(cd bundles/cluster && mvn -q -o dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null)
CP="bundles/cluster/target/classes:bundles/cluster/target/test-classes:$(cat "$CPFILE")"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
results=()
for n in 2 3 5; do
  out="$(mktemp)"
  timeout 900 "$JAVA" -cp "$CP" org.duplex.cluster.jgroups.FailoverBench "$n" "$TRIALS" > "$out"
  cat "$out" >&2
  results+=("$(grep '^RESULT' "$out")")
  rm -f "$out"
done
for k in TWO_NODE_DISK MAJORITY_3 MAJORITY_5 MAJORITY_32; do
  results+=("$("$JAVA" -cp "$CP" org.duplex.cluster.sim.SimFailoverBench "$k" "$TRIALS" | grep '^RESULT')")
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
