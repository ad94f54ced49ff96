#!/usr/bin/env bash
# More seeded simulation runs of the cluster bundle than the build does (default 20,000 from seed 1).
# A failure prints its seed; replay it with: scripts/bench/cluster-sim.sh 1 SEED
# Usage: scripts/bench/cluster-sim.sh [RUNS] [FIRST_SEED]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS="${1:-20000}"
FIRST="${2:-1}"
start=$(date +%s)
bench_mvn test -pl bundles/cluster -am -Dtest=ClusterSimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dsim.runs="$RUNS" \
  -Dsim.firstSeed="$FIRST" -DtrimStackTrace=true
echo "cluster simulation: $RUNS seeded runs from seed $FIRST passed in $(( $(date +%s) - start )) s"
