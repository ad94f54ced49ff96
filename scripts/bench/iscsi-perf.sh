#!/usr/bin/env bash
# Duplex's iSCSI target against tgt (Debian's userspace target) on the same backing file, with real initiators:
# libiscsi's iscsi-perf (reads only: sequential READ(16) at a queue depth) and qemu-img bench through QEMU's iscsi
# driver (libiscsi too; writes and reads at a queue depth). 4 KiB and 1 MiB requests. Each job runs REPS times,
# alternating the targets; the table shows the median. Run it as root (tgtd needs it); it takes the shared heavy lock
# itself (flock /tmp/duplex-heavy.lock) unless BENCH_LOCKED=1.
#
#   scripts/bench/iscsi-perf.sh                 # 5 s per iscsi-perf job, 3 repetitions
#   ISCSI_PERF_SECONDS=10 ISCSI_PERF_REPS=5 scripts/bench/iscsi-perf.sh
#
# ISCSI_PERF_BASELINE_CP=classpath adds a column: Duplex's target from another build (e.g. the commit before a change)
# on the same file, measured in the same alternation.
# ISCSI_PERF_REPLICATED=1 adds a second table: writes through the iSCSI target of a replicated volume (MirrorNode
# primary with a MirrorNode peer on loopback, peer.ack written), Duplex (and the baseline build) only.
# Environment: ISCSI_PERF_SECONDS, ISCSI_PERF_REPS, ISCSI_PERF_COUNT_4K / _1M (qemu-img bench requests per run), ISCSI_SIZE (backing file, default 512M), JAVA, JAVA_OPTS, and
# lib.sh's (BENCH_NO_BUILD=1 skips the build). No replication: this compares the iSCSI front ends, not the mirror.
set -euo pipefail
if [ -z "${BENCH_LOCKED:-}" ]; then
    exec env BENCH_LOCKED=1 flock /tmp/duplex-heavy.lock "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
JAVA=${JAVA:-java}
SECS=${ISCSI_PERF_SECONDS:-5}
REPS=${ISCSI_PERF_REPS:-3}
SIZE=${ISCSI_SIZE:-512M}
N4K=${ISCSI_PERF_COUNT_4K:-60000}   # qemu-img bench requests per run
N1M=${ISCSI_PERF_COUNT_1M:-2000}
bench_need_tools iscsi-perf qemu-img tgtd tgtadm python3 "$JAVA"
[ "$(id -u)" -eq 0 ] || bench_die "needs root (tgtd)"
bench_build bundles/mirror
CP=${ISCSI_CP:-$(bench_cp bundles/mirror)}   # ISCSI_CP: Duplex classes of another build

DIR=$(mktemp -d /tmp/iscsi-perf.XXXXXX)
PIDS=()
cleanup() {
    local p i alive
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for i in $(seq 1 30); do
        alive=0
        for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.1
    done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

IMG=$DIR/disk.img
# written through once, so reads hit data (not holes) on both targets
dd if=/dev/urandom of="$IMG" bs=1M count=$(( $(numfmt --from=iec "$SIZE") >> 20 )) status=none
BYTES=$(stat -c %s "$IMG")

DPORT=$(free_port)
DIQN=iqn.2026-12.org.duplex:perf
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:--Xmx512m} -cp "$CP" org.duplex.mirror.tool.IscsiFileTarget --file "$IMG" --size "$BYTES" \
    --listen "127.0.0.1:$DPORT" --iqn "$DIQN" >"$DIR/duplex.out" 2>"$DIR/duplex.log" &
PIDS+=("$!")
for _ in $(seq 1 100); do grep -q READY "$DIR/duplex.out" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$DIR/duplex.out" || bench_die "Duplex's target did not start: $(tail -5 "$DIR/duplex.log")"

BURL=""
if [ -n "${ISCSI_PERF_BASELINE_CP:-}" ]; then
    BPORT=$(free_port)
    # shellcheck disable=SC2086
    "$JAVA" ${JAVA_OPTS:--Xmx512m} -cp "$ISCSI_PERF_BASELINE_CP" org.duplex.mirror.tool.IscsiFileTarget --file "$IMG" \
        --size "$BYTES" --listen "127.0.0.1:$BPORT" --iqn "$DIQN" >"$DIR/base.out" 2>"$DIR/base.log" &
    PIDS+=("$!")
    for _ in $(seq 1 100); do grep -q READY "$DIR/base.out" 2>/dev/null && break; sleep 0.1; done
    grep -q READY "$DIR/base.out" || bench_die "the baseline target did not start: $(tail -5 "$DIR/base.log")"
    BURL="iscsi://127.0.0.1:$BPORT/$DIQN/0"
fi

TPORT=$(free_port)
TCTL=$(( (RANDOM % 1000) + 3000 ))
TIQN=iqn.2026-12.org.duplex:tgt
tgtd -f -C "$TCTL" --iscsi "portal=127.0.0.1:$TPORT" >"$DIR/tgtd.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 50); do tgtadm -C "$TCTL" --lld iscsi --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
tgtadm -C "$TCTL" --lld iscsi --mode target --op new --tid 1 --targetname "$TIQN"
tgtadm -C "$TCTL" --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$IMG"
tgtadm -C "$TCTL" --lld iscsi --mode target --op bind --tid 1 --initiator-address ALL

DURL="iscsi://127.0.0.1:$DPORT/$DIQN/0"
TURL="iscsi://127.0.0.1:$TPORT/$TIQN/1"

# perf URL BLOCKS DEPTH -> MiB/s (iscsi-perf's average over SECS seconds, sequential READ(16))
perf() {
    local out
    out=$(timeout $((SECS + 20)) iscsi-perf -m "$3" -b "$2" -t "$SECS" "$1" 2>&1 | tr '\r' '\n' || true)
    echo "$out" | awk -v bs=512 -v b="$2" '/^iops average/{iops=$3} END{ if (iops=="") print "ERR"; else printf "%.1f\n", iops*b*bs/1048576 }'
}
# bench URL SIZE COUNT DEPTH [-w] -> MiB/s (qemu-img bench, cache=none, sequential, wraps at the end of the LUN)
bench() {
    local out secs
    out=$(timeout 300 qemu-img bench -f raw -t none -c "$3" -d "$4" -s "$2" ${5:-} "$1" 2>&1 || true)
    secs=$(echo "$out" | awk '/Run completed in/{print $4}')
    [ -n "$secs" ] || { echo "ERR"; return; }
    python3 -c "import sys; print('%.1f' % ($3 * $(numfmt --from=iec "$2") / 1048576 / $secs))"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{ if (NR==0) print "ERR"; else print a[int((NR+1)/2)] }'; }

JOBS=(
    "4 KiB read, QD 32 (iscsi-perf)|perf 8 32"
    "1 MiB read, QD 8 (iscsi-perf)|perf 2048 8"
    "4 KiB write, QD 32 (qemu-img bench)|bench 4K $N4K 32 -w"
    "1 MiB write, QD 8 (qemu-img bench)|bench 1M $N1M 8 -w"
    "4 KiB read, QD 32 (qemu-img bench)|bench 4K $N4K 32"
    "1 MiB read, QD 8 (qemu-img bench)|bench 1M $N1M 8"
)
# warm-up (JIT, page cache): not measured
for u in "$DURL" ${BURL:+"$BURL"} "$TURL"; do
    bench "$u" 4K $((N4K / 4)) 32 -w >/dev/null; bench "$u" 1M $((N1M / 4)) 8 >/dev/null
done

run() { if [ "$1" = perf ]; then shift; u=$1; shift; perf "$u" "$@"; else shift; u=$1; shift; bench "$u" "$@"; fi; }
echo "iSCSI front ends on one ${SIZE} file, loopback TCP, median of $REPS runs (MiB/s); $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
TGT="tgt $(tgtd --version 2>&1 | awk '{print $NF; exit}')"
if [ -n "$BURL" ]; then
    printf '%-38s %10s %10s %10s %8s %8s\n' "job" "Duplex" "baseline" "$TGT" "ratio" "vs base"
    printf '%-38s %10s %10s %10s %8s %8s\n' "--------------------------------------" "----------" "----------" "----------" "--------" "--------"
else
    printf '%-38s %10s %10s %8s\n' "job" "Duplex" "$TGT" "ratio"
    printf '%-38s %10s %10s %8s\n' "--------------------------------------" "----------" "----------" "--------"
fi
for job in "${JOBS[@]}"; do
    name=${job%%|*}; cmd=${job#*|}; set -- $cmd; fn=$1; shift
    d=""; t=""; b=""
    for _ in $(seq 1 "$REPS"); do
        d="$d $(run "$fn" "$DURL" "$@")"
        [ -n "$BURL" ] && b="$b $(run "$fn" "$BURL" "$@")"
        t="$t $(run "$fn" "$TURL" "$@")"
    done
    dm=$(echo "$d" | median); tm=$(echo "$t" | median)
    ratio=$(python3 -c "print('%.2f' % ($dm / $tm))" 2>/dev/null || echo "-")
    if [ -n "$BURL" ]; then
        bm=$(echo "$b" | median)
        vs=$(python3 -c "print('%.2f' % ($dm / $bm))" 2>/dev/null || echo "-")
        printf '%-38s %10s %10s %10s %8s %8s\n' "$name" "$dm" "$bm" "$tm" "$ratio" "$vs"
        echo "  runs: Duplex$d | baseline$b | tgt$t" >&2
    else
        printf '%-38s %10s %10s %8s\n' "$name" "$dm" "$tm" "$ratio"
        echo "  runs: Duplex$d | tgt$t" >&2
    fi
done

[ -n "${ISCSI_PERF_REPLICATED:-}" ] || exit 0

# replicated: primary a (iSCSI) and peer b, MirrorNode processes of the build under test (and of the baseline)
# start_pair CP TAG -> sets RURL (the primary's iSCSI URL); both processes join PIDS
start_pair() {
    local cp=$1 tag=$2 pa pb i
    pa=$(free_port); pb=$(free_port)
    rm -rf "$DIR/$tag"; mkdir -p "$DIR/$tag"
    # shellcheck disable=SC2086
    "$JAVA" ${JAVA_OPTS:--Xmx512m} -cp "$cp" org.duplex.mirror.tool.MirrorNode --name vol --size "$BYTES" \
        --backing "$DIR/$tag/b.img" --meta "$DIR/$tag/b.meta" --listen 127.0.0.1:$pb --peer 127.0.0.1:$pa \
        --skip-initial-sync >"$DIR/$tag/b.out" 2>"$DIR/$tag/b.log" &
    PIDS+=("$!")
    # shellcheck disable=SC2086
    "$JAVA" ${JAVA_OPTS:--Xmx512m} -cp "$cp" org.duplex.mirror.tool.MirrorNode --name vol --size "$BYTES" \
        --backing "$DIR/$tag/a.img" --meta "$DIR/$tag/a.meta" --listen 127.0.0.1:$pa --peer 127.0.0.1:$pb \
        --skip-initial-sync --wait-sync 60 --promote 1 --iscsi 127.0.0.1:0 --iqn "$DIQN" \
        >"$DIR/$tag/a.out" 2>"$DIR/$tag/a.log" &
    PIDS+=("$!")
    for i in $(seq 1 900); do grep -q READY "$DIR/$tag/a.out" 2>/dev/null && break; sleep 0.1; done
    grep -q READY "$DIR/$tag/a.out" || bench_die "replicated primary ($tag) did not start: $(tail -5 "$DIR/$tag/a.log")"
    RURL="iscsi://127.0.0.1:$(sed -n 's/.*iscsi=\([0-9]*\).*/\1/p' "$DIR/$tag/a.out")/$DIQN/0"
}
start_pair "$CP" cur; RCUR=$RURL
RBASE=""
if [ -n "$BURL" ]; then start_pair "$ISCSI_PERF_BASELINE_CP" base; RBASE=$RURL; fi
for u in "$RCUR" ${RBASE:+"$RBASE"}; do bench "$u" 4K $((N4K / 4)) 32 -w >/dev/null; done
echo
echo "replicated volume (MirrorNode primary + peer on loopback, peer.ack written), writes through its iSCSI target (MiB/s)"
printf '%-38s %10s %10s %8s\n' "job" "Duplex" "baseline" "vs base"
printf '%-38s %10s %10s %8s\n' "--------------------------------------" "----------" "----------" "--------"
for job in "4 KiB write, QD 32 (qemu-img bench)|4K $N4K 32" "1 MiB write, QD 8 (qemu-img bench)|1M $N1M 8"; do
    name=${job%%|*}; set -- ${job#*|}
    d=""; b=""
    for _ in $(seq 1 "$REPS"); do
        d="$d $(bench "$RCUR" "$@" -w)"
        [ -n "$RBASE" ] && b="$b $(bench "$RBASE" "$@" -w)"
    done
    dm=$(echo "$d" | median); bm=$([ -n "$RBASE" ] && echo "$b" | median || echo "-")
    vs=$(python3 -c "print('%.2f' % ($dm / $bm))" 2>/dev/null || echo "-")
    printf '%-38s %10s %10s %8s\n' "$name" "$dm" "$bm" "$vs"
    echo "  runs: Duplex$d | baseline$b" >&2
done
