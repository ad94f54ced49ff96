#!/usr/bin/env bash
# Planned switchover benchmark of the failover engine: a group "virtual IP + small TCP service" moves between
# two network namespaces through the real controller, executors and agents while a client namespace connects
# to the VIP every ~10 ms. Prints a table per trial and median/min/max. Needs root, iproute2, arping, socat.
# Usage: scripts/bench/failover-switchover.sh [TRIALS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-10}
mvn -q -o install -pl bundles/api -DskipTests
mvn -o test -pl bundles/failover -Dtest=SwitchoverBench -Dduplex.bench=true -Dduplex.bench.trials="$trials" \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E '^\|' || {
  echo "benchmark produced no table (not root? tools missing? see mvn output)" >&2; exit 1; }
