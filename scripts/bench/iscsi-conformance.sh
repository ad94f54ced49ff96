#!/usr/bin/env bash
# libiscsi's conformance suite (iscsi-test-cu) against Duplex's iSCSI target and against tgt (Debian's userspace
# target) on the same backing file, suite by suite, printed as a table side by side. Run it as root (tgtd needs it);
# wrap it in flock /tmp/duplex-heavy.lock on a shared machine.
#
#   scripts/bench/iscsi-conformance.sh            # every SCSI and iSCSI suite
#   ISCSI_SUITES="SCSI.Read10 SCSI.Write10" scripts/bench/iscsi-conformance.sh
#
# Columns: "pass" = every test of the suite passed and none skipped itself; "pass (k skip)" = passed, k tests
# skipped themselves at once because the target does not implement the command (CUnit counts those as passes);
# "FAIL n/m" = n of m tests failed. One iscsi-test-cu run per suite, so that no suite's leftovers (e.g. Debian's
# libiscsi 1.19 leaves CompareAndWrite.InvalidDataOutSize's PDU hook installed when a target without COMPARE AND
# WRITE makes it return early: byte 13 of every later CDB becomes 1; see bundles/mirror/README.md) change another's
# result on either target; IscsiRealInitiatorsTest runs Duplex's in one invocation as well.
#
# Environment: ISCSI_SUITES (default: all), ISCSI_SIZE (backing file size, default 256M), JAVA, and lib.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
JAVA=${JAVA:-java}
SIZE=${ISCSI_SIZE:-256M}
bench_need_tools iscsi-test-cu tgtd tgtadm python3 "$JAVA"
[ "$(id -u)" -eq 0 ] || bench_die "needs root (tgtd)"
bench_build bundles/mirror
CP=${ISCSI_CP:-$(bench_cp bundles/mirror)}   # ISCSI_CP: Duplex classes of another build

DIR=$(mktemp -d /tmp/iscsi-conformance.XXXXXX)
PIDS=()
# tgtd ignores SIGTERM while it serves a target: what is still alive 3 s after TERM gets KILL (the lock this script
# runs under must never be held by a leftover daemon)
cleanup() {
    local p i
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

SUITES=${ISCSI_SUITES:-$(iscsi-test-cu --list 2>&1 | grep -E '^(SCSI|iSCSI)\.[A-Za-z0-9]+$')}
IMG=$DIR/disk.img
truncate -s "$SIZE" "$IMG"

# Duplex: the file through FileBlockDevice (no replication: this compares the protocol, not the mirror)
DPORT=$(free_port)
DIQN=iqn.2026-12.org.duplex:conformance
"$JAVA" -Xmx256m -cp "$CP" org.duplex.mirror.tool.IscsiFileTarget --file "$IMG" --size "$SIZE" \
    --listen "127.0.0.1:$DPORT" --iqn "$DIQN" >"$DIR/duplex.out" 2>"$DIR/duplex.log" &
PIDS+=("$!")
for _ in $(seq 1 100); do grep -q READY "$DIR/duplex.out" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$DIR/duplex.out" || bench_die "Duplex's target did not start: $(tail -5 "$DIR/duplex.log")"

# tgt: its own daemon on another port and control port, the same file as LUN 1 (LUN 0 is tgt's controller)
TPORT=$(free_port)
TCTL=$(( (RANDOM % 1000) + 2000 ))
TIQN=iqn.2026-12.org.duplex:tgt
tgtd -f -C "$TCTL" --iscsi "portal=127.0.0.1:$TPORT" >"$DIR/tgtd.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 50); do tgtadm -C "$TCTL" --lld iscsi --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
tgtadm -C "$TCTL" --lld iscsi --mode target --op new --tid 1 --targetname "$TIQN"
tgtadm -C "$TCTL" --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$IMG"
tgtadm -C "$TCTL" --lld iscsi --mode target --op bind --tid 1 --initiator-address ALL

# run URL SUITE -> "pass", "pass (k skip)" or "FAIL n/m"
run() {
    local out tests failed skipped
    out=$(timeout 600 iscsi-test-cu --dataloss --test="$2" "$1" 2>&1 || true)
    read -r tests failed < <(echo "$out" | awk '/^ +tests /{print $2, $5; exit}')
    if [ -z "${tests:-}" ]; then echo "NO SUMMARY"; return; fi
    skipped=$(echo "$out" | grep -cE '^ +Test: [^ ]+ \.\.\. +\[SKIPPED\]' || true)
    if [ "$failed" != 0 ]; then echo "FAIL $failed/$tests"
    elif [ "$skipped" != 0 ]; then echo "pass ($skipped/$tests skip)"
    else echo "pass"; fi
}

printf '%-30s %-20s %-20s\n' "iscsi-test-cu suite" "Duplex" "tgt $(tgtd --version 2>&1 | awk '{print $NF; exit}')"
printf '%-30s %-20s %-20s\n' "------------------------------" "--------------------" "--------------------"
dfail=0; tfail=0; worse=0
for s in $SUITES; do
    d=$(run "iscsi://127.0.0.1:$DPORT/$DIQN/0" "$s")
    t=$(run "iscsi://127.0.0.1:$TPORT/$TIQN/1" "$s")
    printf '%-30s %-20s %-20s\n' "$s" "$d" "$t"
    case $d in FAIL*|NO*) dfail=$((dfail + 1)); case $t in FAIL*|NO*) ;; *) worse=$((worse + 1));; esac;; esac
    case $t in FAIL*|NO*) tfail=$((tfail + 1));; esac
done
echo
echo "suites failing: Duplex $dfail, tgt $tfail; suites tgt passes and Duplex fails: $worse"
[ "$worse" -eq 0 ]
