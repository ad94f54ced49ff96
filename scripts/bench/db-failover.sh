#!/usr/bin/env bash
# Database failover benchmark (issue 16): in the two-node lab, a client commits one transaction at a time through
# the database's VIP and logs every acknowledged commit; per trial, a planned ha:switchover and a kill of the
# primary's node (links down + SIGKILL of every process of it), then the killed node back as a standby. For each
# step: acknowledged commits lost (ids missing from the table afterwards) and the client-observed outage (the
# longest gap between two acknowledged commits). Runs itests' PostgresqlReplicationLabIT with
# -Dduplex.dbTrials=TRIALS (all trials in one lab) once per mode, and prints one table.
#
#   scripts/bench/db-failover.sh [TRIALS] [MODES]     TRIALS default 10; MODES default "sync async" ("none":
#                                                     only the shared-storage rows)
#
# Rows: postgresql replication, synchronous (synchronous-standby-names=*) and asynchronous; with SHARED_TRIALS=N
# also PostgreSQL on shared storage (PostgresqlSharedStorageIT, one kill per lab: about 3 minutes a trial, so 0 by
# default). Goals (issue 16, synchronous mode): kill 0 lost, outage <= 3 s; switchover 0 lost, outage <= 1 s.
# Root and Debian's postgresql-15 needed (as the ITs). Builds the distribution when there is none.
# MariaDB's replication rows are not here yet.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TRIALS=${1:-10}
MODES=${2:-sync async}
[ "$MODES" = none ] && MODES=
SHARED_TRIALS=${SHARED_TRIALS:-0}
bench_need_root
bench_need_tools ip python3 perl socat
[ -x /usr/lib/postgresql/15/bin/initdb ] || bench_die "PostgreSQL 15 is not installed (scripts/install-deps.sh)"
bench_dist >/dev/null
IT_DIR="$BENCH_ROOT/itests/target/it"
OUT=$(mktemp -d /tmp/duplex-db-bench.XXXXXX)

run_it() { # TEST LOG PROPERTIES...
    local test=$1 log=$2; shift 2
    # the IT's failure is a result too (a lost commit fails it): its output is kept, the table says what it saw
    (cd "$BENCH_ROOT" && mvn -B -ntp -Dstyle.color=never ${DUPLEX_M2:+-Dmaven.repo.local="$DUPLEX_M2"} \
        ${DUPLEX_MVN_ARGS:-} verify -pl itests -Dit.test="$test" -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
        "$@") >"$log" 2>&1 || echo "db-failover: $test $* failed; see $log" >&2
}

for m in $MODES; do
    case $m in sync) mode=synchronous ;; async) mode=asynchronous ;; *) bench_die "mode must be sync or async, was $m" ;; esac
    echo "== postgresql replication, $mode: $TRIALS trials (lab up about 2 minutes, then about 1.5 minutes a trial)"
    rm -f "$IT_DIR/pg-replication/trials-$mode.txt"
    run_it PostgresqlReplicationLabIT "$OUT/pg-$m.log" -Dduplex.dbTrials="$TRIALS" -Dduplex.dbMode="$m"
    [ -f "$IT_DIR/pg-replication/trials-$mode.txt" ] && cp "$IT_DIR/pg-replication/trials-$mode.txt" "$OUT/"
    # the next mode's lab reuses the directory: keep this one's node logs and the test's output
    for n in node1 node2; do cp "$IT_DIR/pg-replication/lab/$n/data/log/karaf.log" "$OUT/pg-$m-$n-karaf.log" 2>/dev/null || true; done
    cp "$BENCH_ROOT/itests/target/failsafe-reports/org.duplex.itests.PostgresqlReplicationLabIT-output.txt" \
        "$OUT/pg-$m-output.txt" 2>/dev/null || true
    sed "s/^/  /" "$OUT/trials-$mode.txt" 2>/dev/null || true
done
for i in $(seq 1 "$SHARED_TRIALS"); do
    echo "== postgresql shared storage: trial $i of $SHARED_TRIALS"
    rm -f "$IT_DIR/pg-two-node/result.txt"
    run_it PostgresqlSharedStorageIT "$OUT/shared-$i.log"
    # "postgresql shared storage, node1 killed: 812 acknowledged commits, 0 lost, ...; ... 2345 ms"
    head -1 "$IT_DIR/pg-two-node/result.txt" 2>/dev/null | sed -nE \
        's/.*: ([0-9]+) acknowledged commits, ([0-9]+) lost.* ([0-9]+) ms$/shared trial '"$i"' kill acked \1 lost \2 outage-ms \3/p' \
        >>"$OUT/trials-shared.txt" || true
done

echo
python3 - "$OUT" "$TRIALS" "$SHARED_TRIALS" <<'PY'
import glob, os, statistics, sys
out, trials, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {}
for f in sorted(glob.glob(os.path.join(out, "trials-*.txt"))):
    for line in open(f):
        w = line.split()
        # "synchronous trial 3 kill acked 412 lost 0 outage-ms 1830" / "shared trial 1 kill ..."
        if len(w) == 10 and w[4] == "acked":
            rows.setdefault((w[0], w[3]), []).append((int(w[7]), int(w[9])))
names = {"synchronous": "postgresql replication, synchronous", "asynchronous": "postgresql replication, async",
         "shared": "postgresql shared storage"}
goals = {("synchronous", "kill"): "0 lost, <= 3000", ("synchronous", "switchover"): "0 lost, <= 1000"}
expected = {"synchronous": trials, "asynchronous": trials, "shared": shared}
print("%-38s %-10s %-12s %8s %13s %10s  %s" % ("database, mode", "step", "trials", "lost max",
                                             "outage median", "outage max", "goal (lost, ms)"))
for (mode, step) in sorted(rows, key=lambda k: (list(names).index(k[0]), k[1])):
    r = rows[(mode, step)]
    outages = [o for _, o in r]
    missing = expected[mode] - len(r)
    print("%-38s %-10s %-12s %8d %13d %10d  %s" % (names[mode], step,
          str(len(r)) + ("" if missing <= 0 else " (%d failed)" % missing), max(l for l, _ in r),
          statistics.median(outages), max(outages), goals.get((mode, step), "")))
if not rows:
    print("(no trial finished: see the logs in %s)" % out)
print("\nper-trial lines and the ITs' logs: %s" % out)
PY
