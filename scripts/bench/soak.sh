#!/usr/bin/env bash
# Soak: the two-node lab (scripts/lab/two-node.sh) under a hostile but survivable environment, where nothing must
# happen. For MINUTES minutes:
#   - LOSS % of packets dropped each way on both nodes' LAN and interconnect (the serial heartbeat stays clean),
#   - both CPUs saturated by a load generator (one busy loop per core, normal priority),
#   - the active node's JVM paused (SIGSTOP) for PAUSE_MS every minute, as a long GC or a VM stun would.
# Goals: 0 view changes, 0 epoch bumps, 0 no-quorum periods, 0 fences, 0 failovers, and the VIP answered by the
# active node throughout (every request the client probe sent is answered by it; the longest gap is printed:
# lost packets on the LAN make single requests slow, the goal is that none goes to the other node or unanswered
# for long). Prints one table and exits 1 when a goal is missed. Root only. Build first (mvn install -DskipTests).
#
# Usage: scripts/bench/soak.sh [MINUTES] [LOSS] [PAUSE_MS]     (defaults 60, 10, 300; CI runs 2 minutes)
set -euo pipefail
MINUTES=${1:-60}
LOSS=${2:-10}
PAUSE_MS=${3:-300}
MAX_GAP_MS=${MAX_GAP_MS:-5000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export DUPLEX_LAB_PREFIX=${DUPLEX_LAB_PREFIX:-dxs-}
export DUPLEX_LAB_DIR=${DUPLEX_LAB_DIR:-/var/tmp/duplex-soak}
LAB="$ROOT/scripts/lab/two-node.sh"
D=$DUPLEX_LAB_DIR
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root (network namespaces)"; exit 1; }
command -v nft >/dev/null || { echo "soak: needs nft (scripts/install-deps.sh installs nftables)"; exit 1; }

burners=()
cleanup() {
    for p in "${burners[@]}"; do kill "$p" 2>/dev/null || true; done
    "$LAB" probe stop >/dev/null 2>&1 || true
    [ -n "${KEEP_LAB:-}" ] || "$LAB" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

field() { "$LAB" client "$1" ha:status | sed -n "s/^$2: *\([^ ]*\).*/\1/p"; }
log_of() { echo "$D/$1/data/log/karaf.log"; }

mkdir -p "$D"
echo "soak: lab up ($MINUTES min, loss $LOSS %, pause $PAUSE_MS ms every minute, both CPUs busy)"
"$LAB" up "${ASSEMBLY:-}" >/dev/null
active=$("$LAB" served)
[ "$active" = node1 ] || [ "$active" = node2 ] || { echo "soak: nobody serves the VIP after up"; exit 1; }
sleep 5 # the group's first monitor results and the lease settle before the window opens
declare -A lines epoch0
for n in node1 node2; do
    lines[$n]=$(wc -l <"$(log_of $n)")
    epoch0[$n]=$(field "$n" Epoch)
done

"$LAB" loss "$LOSS"
for _ in $(seq "$(nproc)"); do (while :; do :; done) & burners+=($!); done
"$LAB" probe start "$D/probe.txt"
pauses=0
for _ in $(seq "$MINUTES"); do # one pause in the middle of every minute
    sleep 30
    "$LAB" pause "$active" "$PAUSE_MS"; pauses=$((pauses + 1))
    sleep 30
done
"$LAB" probe stop
for p in "${burners[@]}"; do kill "$p" 2>/dev/null || true; done
burners=()
"$LAB" loss 0
sleep 2 # the last pause's consequences, if any, reach the logs

count() { tail -n +"$((lines[$1] + 1))" "$(log_of "$1")" | grep -cE "$2" || true; }
views=0; noq=0; fences=0; moves=0; row=""
for n in node1 node2; do
    v=$(count "$n" "ClusterCore .*new view"); q=$(count "$n" "Quorum (lost|pending)")
    f=$(count "$n" "fencing node[12] |fenced node[12] "); m=$(count "$n" "FailoverController .* (start|stop) web/")
    e=$(field "$n" Epoch)
    views=$((views + v)); noq=$((noq + q)); fences=$((fences + f)); moves=$((moves + m))
    [ "$e" = "${epoch0[$n]}" ] || row="$row $n epoch ${epoch0[$n]} -> $e;"
    printf '%-6s view changes %d, no-quorum periods %d, fences %d, start/stop decisions %d, epoch %s -> %s\n' \
        "$n" "$v" "$q" "$f" "$m" "${epoch0[$n]}" "$e"
done
answered=$(awk 'NF == 2 && $1 ~ /^[0-9]+$/ && $2 != "none" {print $2}' "$D/probe.txt" | sort -u | tr '\n' ' ')
gap=$(awk '$1 == "outage" && $4 > m {m = $4} END {print m + 0}' "$D/probe.txt")
samples=$(sed -n 's/^samples \([0-9]*\) ok \([0-9]*\).*/\2 of \1/p' "$D/probe.txt")

echo
printf '%-34s %10s %8s\n' "soak ($MINUTES min, $LOSS % loss, ${PAUSE_MS} ms pauses)" result goal
printf '%-34s %10s %8s\n' "pauses of the active JVM" "$pauses" ""
printf '%-34s %10s %8s\n' "view changes (both nodes)" "$views" 0
printf '%-34s %10s %8s\n' "epoch bumps" "$([ -z "$row" ] && echo 0 || echo "$row")" 0
printf '%-34s %10s %8s\n' "no-quorum periods" "$noq" 0
printf '%-34s %10s %8s\n' "fences" "$fences" 0
printf '%-34s %10s %8s\n' "failovers (start/stop decisions)" "$moves" 0
printf '%-34s %10s %8s\n' "VIP answered by" "${answered% }" "$active"
printf '%-34s %10s %8s\n' "requests answered" "$samples" ""
printf '%-34s %10s %8s\n' "longest gap in answers (ms)" "$gap" "<= $MAX_GAP_MS"

fail=0
[ "$views" -eq 0 ] && [ -z "$row" ] && [ "$noq" -eq 0 ] && [ "$fences" -eq 0 ] && [ "$moves" -eq 0 ] || fail=1
[ "${answered% }" = "$active" ] || fail=1
[ "$gap" -le "$MAX_GAP_MS" ] || fail=1
if [ $fail -ne 0 ]; then
    echo "soak: FAILED (logs: $D/node1/data/log, $D/node2/data/log; probe: $D/probe.txt)"
    exit 1
fi
echo "soak: passed"
