#!/usr/bin/env bash
# Mirror soak: the SIGKILL-the-primary data-integrity test for many iterations (default 500).
# Each iteration forks a primary JVM (mirror leg + NBD export), writes a known pattern from 4 clients while
# logging every acknowledged write, SIGKILLs the primary mid-stream, promotes the secondary and checks that every
# acknowledged write is on it. Usage: scripts/bench/mirror-soak.sh [iterations]
set -euo pipefail
N=${1:-500}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -o install -pl bundles/api,bundles/mirror -DskipTests
mvn -o -pl bundles/mirror surefire:test -Dtest='CrashFailoverTest#everyAcknowledgedWriteSurvivesAPrimaryKill' \
    -Dmirror.crash.iterations="$N" -DtrimStackTrace=false 2>&1 | grep -E "crash test:|Tests run:|FAIL|lost acknowledged" || true
grep -q 'Failures: 0, Errors: 0' bundles/mirror/target/surefire-reports/org.duplex.mirror.engine.CrashFailoverTest.txt \
    && echo "soak: $N iterations passed" || { echo "soak: FAILED (see bundles/mirror/target/surefire-reports)"; exit 1; }
