#!/usr/bin/env bash
# Mirror soak: the SIGKILL-the-primary data-integrity test for many iterations (default 500).
# Each iteration forks a primary JVM (mirror leg + NBD export), writes a known pattern from 4 clients while
# logging every acknowledged write, SIGKILLs the primary mid-stream, promotes the secondary and checks that every
# acknowledged write is on it. Usage: scripts/bench/mirror-soak.sh [iterations]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-500}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$BENCH_ROOT" && mvn -B -ntp ${DUPLEX_M2:+-Dmaven.repo.local=$DUPLEX_M2} ${DUPLEX_MVN_ARGS:-} \
    -pl bundles/mirror -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='CrashFailoverTest#everyAcknowledgedWriteSurvivesAPrimaryKill' \
    -Dmirror.crash.iterations="$N" -DtrimStackTrace=false) >"$log" 2>&1 || true
grep -E "crash test:|Tests run:|FAIL|lost acknowledged" "$log" || true
grep -q 'Failures: 0, Errors: 0' "$BENCH_ROOT"/bundles/mirror/target/surefire-reports/org.duplex.mirror.engine.CrashFailoverTest.txt 2>/dev/null \
    && echo "soak: $N iterations passed" || { tail -n 30 "$log" >&2; bench_die "soak FAILED (see bundles/mirror/target/surefire-reports)"; }
