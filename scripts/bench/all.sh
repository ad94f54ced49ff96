#!/usr/bin/env bash
# Runs every benchmark once and writes one results file (machine, date, commit, every table) and charts (SVG,
# drawn by gnuplot): failover outage distributions (Duplex vs keepalived, unplanned and planned), heartbeat
# detection latency histogram, membership time against cluster size, mirror throughput against nbdkit and QEMU's
# synchronous mirror. Start time and idle footprint are tabled beside stock Karaf.
#
#   scripts/bench/all.sh [--tiny] [--no-build] [--out DIR] [--only "NAME..."]
#
#   (full)    the manual measurement run; about 25-30 minutes on a 2-core machine
#   --tiny    one trial, one second per job: proves every benchmark still runs (what CI does, scripts/test.sh)
#   --no-build  use what the last build left in target/ (CI: right after mvn verify)
#   --out DIR results directory (default bench-results/<date>-<commit>[-tiny])
#   --only    a subset, e.g. --only "heartbeat cluster"
#
# Benchmarks needing root (network namespaces) are skipped with a note when not root; with CI=true a skip is a
# failure. Exit status: non-zero when any benchmark failed (or was skipped on CI); the report is written anyway.
# Env as in lib.sh: DUPLEX_M2 (Maven repository), DUPLEX_MVN_ARGS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TINY= NOBUILD= OUT= ONLY= ORIG_ARGS="$*"
while [ $# -gt 0 ]; do
    case $1 in
        --tiny) TINY=1 ;;
        --no-build) NOBUILD=1 ;;
        --out) OUT=$2; shift ;;
        --only) ONLY=$2; shift ;;
        *) bench_die "unknown argument $1 (usage: all.sh [--tiny] [--no-build] [--out DIR] [--only NAMES])" ;;
    esac
    shift
done
cd "$BENCH_ROOT"
command -v python3 >/dev/null || bench_die "python3 is needed for the report"
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT+local-changes"
RUN_ID="$(date -u +%Y%m%d-%H%M%S)-${COMMIT%%+*}${TINY:+-tiny}"
OUT=${OUT:-$BENCH_ROOT/bench-results/$RUN_ID}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# NAME needs-root ARGS (full) | ARGS (tiny); environment for a benchmark goes in ENV_<name>
BENCHES=(heartbeat cluster cluster-exec cluster-sim failover-switchover failover mirror mirror-soak footprint)
declare -A ROOTONLY=([failover-switchover]=1 [failover]=1)
if [ -n "$TINY" ]; then
    declare -A ARGS=([heartbeat]="all 1 1" [cluster]="1" [cluster-exec]="20 2" [cluster-sim]="20"
        [failover-switchover]="1" [failover]="1" [mirror]="1" [mirror-soak]="1" [footprint]="1 1")
    declare -A ENVS=([heartbeat]="BENCH_BATCH=20 BENCH_WARMUP_MS=1000" [mirror]="MIRROR_BENCH_SIZE=67108864 MIRROR_BENCH_WARMUP=1")
else
    declare -A ARGS=([heartbeat]="all 50 30" [cluster]="20" [cluster-exec]="1000 50" [cluster-sim]="2000"
        [failover-switchover]="10" [failover]="10" [mirror]="10" [mirror-soak]="20" [footprint]="120 60")
    declare -A ENVS=()
fi
[ -n "$ONLY" ] && read -r -a BENCHES <<<"$ONLY"
for b in "${BENCHES[@]}"; do [ -n "${ARGS[$b]+x}" ] || bench_die "no benchmark named $b"; done

{
    echo "RUN_ID=$RUN_ID"
    echo "DATE=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "COMMIT=$COMMIT $(git log -1 --format=%s 2>/dev/null | cut -c1-80)"
    echo "MACHINE=$(uname -srm), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), java $("$JAVA" -version 2>&1 | head -1 | awk -F'"' '{print $2}')"
    echo "CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "LOAD=$(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -n "$TINY" ]; then echo "MODE=tiny (one trial, one second per job: a smoke run, not a measurement)"; else echo "MODE=full"; fi
    echo "COMMAND=scripts/bench/all.sh $ORIG_ARGS"
    echo "BENCHES=${BENCHES[*]}"
    for b in "${BENCHES[@]}"; do echo "ARGS_${b//-/_}=${ARGS[$b]}"; done
} >"$OUT/run.env"

if [ -z "$NOBUILD" ]; then
    echo "all.sh: building everything once (mvn install -DskipTests)"
    BENCH_REBUILD=1 bench_dist >/dev/null
    bench_mvn package -DskipTests -pl bundles/heartbeat,bundles/cluster,bundles/mirror -am
fi
export BENCH_NO_BUILD=1

bad=0
started=$(date +%s)
for b in "${BENCHES[@]}"; do
    if [ -n "${ROOTONLY[$b]:-}" ] && [ "$(id -u)" -ne 0 ]; then
        echo "skipped needs root (network namespaces)" >"$OUT/$b.status"
        echo "all.sh: $b SKIPPED (needs root)"
        [ "${CI:-}" = true ] && bad=1
        continue
    fi
    echo "all.sh: $b ${ARGS[$b]} ..."
    t0=$(date +%s)
    set +e
    # shellcheck disable=SC2086
    env ${ENVS[$b]:-} timeout "${BENCH_TIMEOUT:-3600}" "$BENCH_ROOT/scripts/bench/$b.sh" ${ARGS[$b]} \
        >"$OUT/$b.out" 2>"$OUT/$b.err" </dev/null
    rc=$?
    set -e
    echo "$rc $(( $(date +%s) - t0 ))" >"$OUT/$b.status"
    if [ $rc -ne 0 ]; then
        bad=1
        echo "all.sh: $b FAILED (exit $rc); last lines of its output:" >&2
        tail -n 12 "$OUT/$b.err" >&2
    else
        echo "all.sh: $b done in $(( $(date +%s) - t0 )) s"
    fi
done
echo "all.sh: benchmarks took $(( $(date +%s) - started )) s"
python3 "$BENCH_ROOT/scripts/bench/report.py" "$OUT" || bad=1
echo "all.sh: results in $OUT/results.md"
exit $bad
