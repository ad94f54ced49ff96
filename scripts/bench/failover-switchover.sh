#!/usr/bin/env bash
# Planned switchover benchmark of the failover engine: a group "virtual IP + small TCP service" moves between
# two network namespaces through the real controller, executors and agents while a client namespace connects
# to the VIP every ~10 ms. Prints a table per trial and median/min/max. Needs root, iproute2, arping, socat.
# Usage: scripts/bench/failover-switchover.sh [TRIALS]   (default 10)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
trials=${1:-10}
bench_need_root
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$BENCH_ROOT" && mvn -B -ntp ${DUPLEX_M2:+-Dmaven.repo.local=$DUPLEX_M2} ${DUPLEX_MVN_ARGS:-} test \
    -pl bundles/failover -am -Dtest=SwitchoverBench -Dduplex.bench=true -Dduplex.bench.trials="$trials" \
    -Dsurefire.failIfNoSpecifiedTests=false) >"$log" 2>&1 || true
grep -E '^\|' "$log" || { tail -n 30 "$log" >&2; bench_die "benchmark produced no table (see the Maven output above)"; }
