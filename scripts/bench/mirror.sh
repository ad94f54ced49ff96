#!/usr/bin/env bash
# Mirror benchmark: fio's nbd engine against
#   (a) a Duplex mirror export, unreplicated
#   (b) a Duplex mirror export replicated (protocol C) to a peer on loopback
#   (c) nbdkit's file plugin on the same kind of backing file
#   (d) QEMU's own synchronous mirror: qemu-storage-daemon exporting a raw file over NBD while blockdev-mirror
#       (copy-mode=write-blocking) writes every request through to a second daemon over loopback NBD -- the
#       userspace peer of (b); skipped with a note when qemu-storage-daemon is not installed
# with the CPU time the serving processes spend per MiB written (issue 20: replicated primary + peer <= 2 x the
# unreplicated export's), then the resync figure: 1 % of a 1 GiB volume dirtied while the peer is down, bytes sent and time,
# against a full initial sync of the same volume.
# Usage: scripts/bench/mirror.sh [runtime-seconds-per-job]   (default 10; builds bundles/mirror first)
# Env: MIRROR_BENCH_DIR (default /var/tmp/duplex-mirror-bench), MIRROR_BENCH_SIZE (default 1G in bytes),
#      MIRROR_BENCH_WARMUP (seconds of fio warm-up per target, default 3),
#      MIRROR_BENCH_NODE_ARGS (extra MirrorNode options for both legs, e.g. "--al-extents 16")
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNTIME=${1:-10}
ROOT=$BENCH_ROOT
DIR=${MIRROR_BENCH_DIR:-/var/tmp/duplex-mirror-bench}
SIZE=${MIRROR_BENCH_SIZE:-1073741824}
WARMUP=${MIRROR_BENCH_WARMUP:-3}
bench_need_tools fio nbdkit qemu-io python3 "$JAVA"
fio --enghelp 2>/dev/null | grep -qw nbd || bench_die "this fio has no nbd engine"
bench_build bundles/mirror
CP=$(bench_cp bundles/mirror)

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# start_node NAME LOGFILE ARGS... : starts a MirrorNode, waits for READY, sets NODE_PID and NODE_NBD
start_node() {
    local name=$1 log=$2; shift 2
    # shellcheck disable=SC2086 # MIRROR_BENCH_NODE_ARGS is a list of options
    "$JAVA" -Xmx512m -cp "$CP" org.duplex.mirror.tool.MirrorNode --name vol --size "$SIZE" "$@" ${MIRROR_BENCH_NODE_ARGS:-} >"$DIR/$name.out" 2>"$log" &
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    for _ in $(seq 1 600); do
        if grep -q READY "$DIR/$name.out" 2>/dev/null; then
            NODE_NBD=$(sed -n 's/.*nbd=\(-\?[0-9]*\).*/\1/p' "$DIR/$name.out"); return 0
        fi
            kill -0 "$NODE_PID" 2>/dev/null || { cat "$log" >&2; bench_die "mirror node $name died (log above)"; }
        sleep 0.2
    done
    cat "$log" >&2; bench_die "mirror node $name did not start within 120 s"
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of every thread, live or ended

# run_fio URI PID... -> prints "seqwrite_MiBps randwrite_iops randread_iops" then, for each PID (the serving
# processes: primary, peer), "seq_cpu randwrite_cpu": CPU milliseconds it spent per MiB written during the 1 MiB
# sequential and the 4 KiB random write job (/proc/PID/stat before and after each job; one fio run per job)
run_fio() {
    local uri=$1 out="$DIR/fio.json" job name p i; shift
    local pids=("$@") vals=() before=() cpu=()
    # warm-up (same for every target): lets the JVM compile its hot paths before anything is measured
    fio --ioengine=nbd --uri="$uri" --size="$SIZE" --time_based --runtime="$WARMUP" --name=warm --rw=randrw --bs=64k \
        --iodepth=16 >/dev/null
    for job in "seqwrite --rw=write --bs=1M --iodepth=8" \
               "randwrite --rw=randwrite --bs=4k --iodepth=32 --randrepeat=0" \
               "randread --rw=randread --bs=4k --iodepth=32 --randrepeat=0"; do
        # shellcheck disable=SC2086 # a job is a list of options
        set -- $job; name=$1; shift
        before=(); for p in "${pids[@]}"; do before+=("$(cpu_ticks "$p")"); done
        fio --output-format=json --output="$out" --ioengine=nbd --uri="$uri" --size="$SIZE" \
            --time_based --runtime="$RUNTIME" --name="$name" "$@" >/dev/null
        i=0; cpu=()
        for p in "${pids[@]}"; do cpu+=("$(( $(cpu_ticks "$p") - before[i] ))"); i=$((i + 1)); done
        vals+=("$(python3 - "$out" "$name" "$TCK" "${cpu[@]}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]; name = sys.argv[2]; tck = float(sys.argv[3])
d = j["read" if name == "randread" else "write"]
v = "%.1f" % (d["bw"] / 1024.0) if name == "seqwrite" else "%.0f" % d["iops"]
mib = d["io_bytes"] / 1048576.0
print(v + "".join(" %.3f" % (int(t) / tck * 1000.0 / mib if mib else 0) for t in sys.argv[4:]))
PY
)")
    done
    # vals: "seq cpu..." "randw cpu..." "randr cpu...": the figures first, then per PID its seq and randwrite CPU
    python3 - "${vals[@]}" <<'PY'
import sys
seq, rw, rr = (v.split() for v in sys.argv[1:])
print(" ".join([seq[0], rw[0], rr[0]] + [x for p in zip(seq[1:], rw[1:]) for x in p]))
PY
}

rm -rf "$DIR"; mkdir -p "$DIR"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
echo "mirror benchmark: ${RUNTIME}s per fio job, volume $SIZE bytes, files in $DIR ($(df -T "$DIR" | awk 'NR==2{print $2}'))"

# (a) unreplicated
start_node a "$DIR/a.log" --backing "$DIR/a.img" --meta "$DIR/a.meta" --nbd 127.0.0.1:0 --promote 1
A=($(run_fio "nbd://127.0.0.1:$NODE_NBD/vol" "$NODE_PID")); stop_pid "$NODE_PID"

# (b) replicated to a peer on loopback; replicated PEER_ACK sets R to the fio triple
replicated() {
    rm -rf "$DIR"/*.img "$DIR"/*.meta
    local pa pb bpid
    pa=$(free_port); pb=$(free_port)
    start_node b "$DIR/b-$1.log" --backing "$DIR/b.img" --meta "$DIR/b.meta" --listen 127.0.0.1:$pb --peer 127.0.0.1:$pa --skip-initial-sync --peer-ack "$1"
    bpid=$NODE_PID
    start_node a "$DIR/a-$1.log" --backing "$DIR/a.img" --meta "$DIR/a.meta" --listen 127.0.0.1:$pa --peer 127.0.0.1:$pb --skip-initial-sync --wait-sync 60 --promote 1 --nbd 127.0.0.1:0 --peer-ack "$1"
    R=($(run_fio "nbd://127.0.0.1:$NODE_NBD/vol" "$NODE_PID" "$bpid")); stop_pid "$NODE_PID"; stop_pid "$bpid"
}
replicated written; B=("${R[@]}")
replicated durable; BD=("${R[@]}")

# (c) nbdkit file plugin
rm -rf "$DIR"/*.img "$DIR"/*.meta
truncate -s "$SIZE" "$DIR/c.img"
PC=$(free_port)
nbdkit -f -p "$PC" -i 127.0.0.1 file "$DIR/c.img" &
NK=$!; PIDS+=("$NK"); sleep 1
C=($(run_fio "nbd://127.0.0.1:$PC/" "$NK")); stop_pid "$NK"

# (d) QEMU's synchronous mirror: daemon A exports qa.img and mirrors every write (write-blocking) to daemon B
D=(- - - - - - -)
if command -v qemu-storage-daemon >/dev/null; then
    rm -rf "$DIR"/*.img "$DIR"/*.meta
    truncate -s "$SIZE" "$DIR/qa.img" "$DIR/qb.img"
    QA=$(free_port); QB=$(free_port)
    qemu-storage-daemon --blockdev driver=file,node-name=bfile,filename="$DIR/qb.img" \
        --blockdev driver=raw,node-name=b,file=bfile \
        --nbd-server addr.type=inet,addr.host=127.0.0.1,addr.port="$QB" \
        --export type=nbd,id=eb,node-name=b,name=vol,writable=on >"$DIR/qb.log" 2>&1 &
    QBP=$!; PIDS+=("$QBP")
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$QB") 2>/dev/null && break; sleep 0.1; done
    qemu-storage-daemon --blockdev driver=file,node-name=afile,filename="$DIR/qa.img" \
        --blockdev driver=raw,node-name=a,file=afile \
        --blockdev driver=nbd,node-name=peer,server.type=inet,server.host=127.0.0.1,server.port="$QB",export=vol \
        --nbd-server addr.type=inet,addr.host=127.0.0.1,addr.port="$QA" \
        --export type=nbd,id=ea,node-name=a,name=vol,writable=on \
        --chardev socket,id=qmp,path="$DIR/qa.qmp",server=on,wait=off --monitor chardev=qmp >"$DIR/qa.log" 2>&1 &
    QAP=$!; PIDS+=("$QAP")
    for _ in $(seq 1 50); do [ -S "$DIR/qa.qmp" ] && break; sleep 0.1; done
    # blockdev-mirror after the export exists: the job's filter node takes the export's place above node a, so
    # every NBD write goes through it and (write-blocking) completes only once it is on the peer too
    python3 - "$DIR/qa.qmp" <<'PY' || { cat "$DIR/qa.log" "$DIR/qb.log" >&2; bench_die "QEMU mirror did not become ready"; }
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
def cmd(name, **args):
    f.write(json.dumps({"execute": name, "arguments": args}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r: return r["return"]
        if "error" in r: sys.exit("QMP %s: %s" % (name, r["error"]))
json.loads(f.readline()); cmd("qmp_capabilities")
cmd("blockdev-mirror", **{"job-id": "m", "device": "a", "target": "peer", "sync": "full",
                          "copy-mode": "write-blocking"})
end = time.time() + 300
while time.time() < end:
    jobs = cmd("query-block-jobs")
    if jobs and jobs[0].get("ready"): sys.exit(0)
    time.sleep(0.2)
sys.exit("mirror job not ready after 300 s: %s" % jobs)
PY
    D=($(run_fio "nbd://127.0.0.1:$QA/vol" "$QAP" "$QBP")); stop_pid "$QAP"; stop_pid "$QBP"
    QEMU_VERSION=$(qemu-storage-daemon --version | head -1 | awk '{print $3}')
else
    echo "qemu-storage-daemon not installed: no QEMU mirror row (scripts/install-deps.sh installs qemu-system-common)"
fi

ratio() { python3 -c "print('%.2f' % ($1/$2) if '$1' != '-' and '$2' != '-' and float('$2') else '-')"; }
echo
printf '%-34s %14s %16s %15s\n' "target" "seq write MiB/s" "4k randwrite IOPS" "4k randread IOPS"
printf '%-34s %14s %16s %15s\n' "(a) Duplex, unreplicated" "${A[0]}" "${A[1]}" "${A[2]}"
printf '%-34s %14s %16s %15s\n' "(b) Duplex, replicated (loopback)" "${B[0]}" "${B[1]}" "${B[2]}"
printf '%-34s %14s %16s %15s\n' "(b') same, peer.ack = durable" "${BD[0]}" "${BD[1]}" "${BD[2]}"
printf '%-34s %14s %16s %15s\n' "(c) nbdkit file" "${C[0]}" "${C[1]}" "${C[2]}"
printf '%-34s %14s %16s %15s\n' "(d) QEMU ${QEMU_VERSION:-} sync mirror" "${D[0]}" "${D[1]}" "${D[2]}"
printf '%-34s %14s %16s %15s\n' "ratio (a)/(c)  [goal >= 1.0]" "$(ratio ${A[0]} ${C[0]})" "$(ratio ${A[1]} ${C[1]})" "$(ratio ${A[2]} ${C[2]})"
printf '%-34s %14s %16s %15s\n' "ratio (b)/(a)  [goal 0.7 / 0.5]" "$(ratio ${B[0]} ${A[0]})" "$(ratio ${B[1]} ${A[1]})" "$(ratio ${B[2]} ${A[2]})"
printf '%-34s %14s %16s %15s\n' "ratio (b')/(a) (durable acks)" "$(ratio ${BD[0]} ${A[0]})" "$(ratio ${BD[1]} ${A[1]})" "$(ratio ${BD[2]} ${A[2]})"
printf '%-34s %14s %16s %15s\n' "ratio (b)/(d)  (vs QEMU mirror)" "$(ratio ${B[0]} ${D[0]})" "$(ratio ${B[1]} ${D[1]})" "$(ratio ${B[2]} ${D[2]})"

# CPU per MiB written: A=(.. seq rw) B=(.. primary seq rw, peer seq rw); issue 20's goal: (b) primary + peer <= 2 x (a)
sum2() { python3 -c "print('%.3f' % ($1 + $2))" 2>/dev/null || echo -; }
echo
echo "CPU per MiB written (ms of CPU time, utime + stime from /proc/PID/stat around each fio job)"
printf '%-34s %14s %16s\n' "process" "1 MiB seq write" "4k random write"
printf '%-34s %14s %16s\n' "(a) unreplicated: MirrorNode" "${A[3]}" "${A[4]}"
printf '%-34s %14s %16s\n' "(b) replicated: primary" "${B[3]}" "${B[4]}"
printf '%-34s %14s %16s\n' "(b) replicated: peer" "${B[5]}" "${B[6]}"
BS=$(sum2 "${B[3]}" "${B[5]}"); BR=$(sum2 "${B[4]}" "${B[6]}")
printf '%-34s %14s %16s\n' "(b) primary + peer" "$BS" "$BR"
printf '%-34s %14s %16s\n' "(b') primary + peer, ack durable" "$(sum2 "${BD[3]}" "${BD[5]}")" "$(sum2 "${BD[4]}" "${BD[6]}")"
printf '%-34s %14s %16s\n' "(c) nbdkit" "${C[3]}" "${C[4]}"
printf '%-34s %14s %16s\n' "(d) QEMU mirror, both daemons" "$(sum2 "${D[3]}" "${D[5]}")" "$(sum2 "${D[4]}" "${D[6]}")"
printf '%-34s %14s %16s\n' "ratio (b)/(a)  [goal <= 2.0]" "$(ratio "$BS" "${A[3]}")" "$(ratio "$BR" "${A[4]}")"
echo "load average after the fio jobs: $(cut -d' ' -f1-3 /proc/loadavg)"

# Resync: full initial sync, then 1 % dirtied while the peer is down
rm -rf "$DIR"/*.img "$DIR"/*.meta
PA=$(free_port); PB=$(free_port)
start_node b "$DIR/b.log" --backing "$DIR/b.img" --meta "$DIR/b.meta" --listen 127.0.0.1:$PB --peer 127.0.0.1:$PA
BPID=$NODE_PID
start_node a "$DIR/a-full.log" --backing "$DIR/a.img" --meta "$DIR/a.meta" --listen 127.0.0.1:$PA --peer 127.0.0.1:$PB --promote 1 --wait-sync 600 --nbd 127.0.0.1:0
APID=$NODE_PID; ANBD=$NODE_NBD
FULL=$(sed -n 's/.*resync finished: \([0-9]*\) bytes sent in \([0-9]*\) ms.*/\1 \2/p' "$DIR/a-full.log" | tail -1)
stop_pid "$BPID"
sleep 1
GRAN=65536; REGIONS=$(( SIZE / GRAN / 100 ))
python3 - "$SIZE" "$GRAN" "$REGIONS" >"$DIR/dirty.cmds" <<'PY'
import random,sys
size,gran,n=map(int,sys.argv[1:]); random.seed(1)
for r in random.sample(range(size//gran), n): print("write -P 0x5a %d 4k" % (r*gran))
PY
ARGS=(); while read -r c; do ARGS+=(-c "$c"); done <"$DIR/dirty.cmds"
qemu-io -f raw "nbd://127.0.0.1:$ANBD/vol" "${ARGS[@]}" >/dev/null
DIRTY=$(( REGIONS * GRAN ))
start_node b "$DIR/b2.log" --backing "$DIR/b.img" --meta "$DIR/b.meta" --listen 127.0.0.1:$PB --peer 127.0.0.1:$PA
BPID=$NODE_PID
for _ in $(seq 1 3000); do [ "$(grep -c 'resync finished' "$DIR/a-full.log")" -ge 2 ] && break; sleep 0.2; done
PART=$(sed -n 's/.*resync finished: \([0-9]*\) bytes sent in \([0-9]*\) ms.*/\1 \2/p' "$DIR/a-full.log" | tail -1)
cmp -s "$DIR/a.img" "$DIR/b.img" && SAME=identical || SAME=DIFFERENT
read -r FB FMS <<<"$FULL"; read -r PB_ PMS <<<"$PART"
echo
printf '%-44s %14s %10s\n' "resync" "bytes sent" "time ms"
printf '%-44s %14s %10s\n' "full initial sync of $SIZE bytes" "$FB" "$FMS"
printf '%-44s %14s %10s\n' "1% dirtied ($REGIONS regions = $DIRTY bytes)" "$PB_" "$PMS"
printf '%-44s %14s %10s\n' "ratios [goal <= 1.1 / <= 0.05]" "$(ratio $PB_ $DIRTY)" "$(ratio $PMS $FMS)"
echo "legs after resync: $SAME"
