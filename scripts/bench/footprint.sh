#!/usr/bin/env bash
# Footprint and start time: Duplex's distribution as shipped (a one-node cluster) beside stock Apache Karaf 4.4.10
# on the same machine, started the same way (bin/start) and asked the same way (bin/client in batch mode, every
# 0.5 s, as a script would). For each it prints:
#   start -> first answered console command (s)
#   start -> quorate and ready to host (s)       Duplex only: the "Quorum gained" line of its log
#   idle RSS (MiB) and idle CPU (% of a core)    after SETTLE seconds, CPU over MEASURE seconds (from /proc)
# Goals (issue: runtime health): RSS < 256 MiB, CPU < 1 %, quorate <= 3 s. Stock Karaf is fetched from Maven
# Central by Maven itself. Needs a built distribution (mvn install -DskipTests).
#
# Usage: scripts/bench/footprint.sh [SETTLE] [MEASURE]      (defaults 120 and 60 seconds)
set -euo pipefail
SETTLE=${1:-120}
MEASURE=${2:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${FOOTPRINT_DIR:-/var/tmp/duplex-footprint}
KARAF_VERSION=4.4.10
die() { echo "footprint: $*" >&2; exit 1; }

assembly=$(ls "$ROOT"/karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
[ -n "$assembly" ] || die "no distribution: build first (mvn install -DskipTests)"
rm -rf "$W"; mkdir -p "$W"
echo "footprint: fetching stock Apache Karaf $KARAF_VERSION through Maven"
mvn -B -ntp -q dependency:copy -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" \
    -DoutputDirectory="$W" >"$W/mvn.log" 2>&1 || { cat "$W/mvn.log"; die "could not fetch apache-karaf $KARAF_VERSION"; }
stock_tgz=$(ls "$W"/apache-karaf-*.tar.gz | head -1)

homes=()
cleanup() { for h in "${homes[@]}"; do [ -x "$h/bin/stop" ] && "$h/bin/stop" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

unpack() { # TGZ DIR
    mkdir -p "$2"; tar -xzf "$1" -C "$2" --strip-components=1
}
now_ms() { date +%s%3N; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# measure NAME HOME CLIENT_ARGS...: prints "NAME first_cmd_s quorate_s rss cpu"
measure() {
    local name=$1 home=$2; shift 2
    local t0 t1 pid quorate="-"
    homes+=("$home")
    t0=$(now_ms)
    "$home/bin/start"
    until echo "echo ready" | "$home/bin/client" "$@" -b 2>/dev/null | grep -q ready; do
        [ $(($(now_ms) - t0)) -lt 120000 ] || die "$name did not answer a console command within 120 s"
        sleep 0.5
    done
    t1=$(now_ms)
    pid=$(cat "$home/karaf.pid" 2>/dev/null || pgrep -f "karaf.home=$home" | head -1)
    if [ -f "$home/data/log/karaf.log" ] && [ "$name" = duplex ]; then
        local end=$((SECONDS + 60)) line=""
        until line=$(grep -m1 "Quorum gained" "$home/data/log/karaf.log"); do
            [ $SECONDS -lt $end ] || break
            sleep 0.2
        done
        if [ -n "$line" ]; then
            local at; at=$(date -d "$(echo "$line" | cut -c1-23 | tr 'T,' ' .')" +%s%3N)
            quorate=$(awk -v a="$at" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')
        fi
    fi
    sleep "$SETTLE"
    local a b
    a=$(ticks "$pid"); sleep "$MEASURE"; b=$(ticks "$pid")
    printf '%s %s %s %s %s\n' "$name" "$(awk -v a="$t1" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')" \
        "$quorate" "$(rss_mib "$pid")" "$(awk -v d=$((b - a)) -v s="$MEASURE" 'BEGIN {printf "%.2f", d / s}')"
    "$home/bin/stop" >/dev/null 2>&1 || true
}

unpack "$stock_tgz" "$W/stock"
# stock Karaf ships its users commented out: enable the sample user so bin/client can log in at all
sed -i -E 's/^#(karaf = )/\1/; s/^#(_g_\\:admingroup = )/\1/' "$W/stock/etc/users.properties"
grep -q '^karaf = ' "$W/stock/etc/users.properties" || die "could not enable the stock karaf user"
unpack "$assembly" "$W/duplex"

echo "footprint: stock Karaf $KARAF_VERSION (settle $SETTLE s, measure $MEASURE s)"
stock=$(measure stock "$W/stock" -u karaf -p karaf)
echo "footprint: Duplex (one-node cluster as shipped)"
duplex=$(measure duplex "$W/duplex")

echo
printf '%-34s %14s %14s %10s\n' "footprint ($(nproc) cores)" "stock Karaf" "Duplex" "goal"
row() { printf '%-34s %14s %14s %10s\n' "$1" "$2" "$3" "$4"; }
set -- $stock; s_cmd=$2 s_rss=$4 s_cpu=$5
set -- $duplex; d_cmd=$2 d_q=$3 d_rss=$4 d_cpu=$5
row "start -> first console answer (s)" "$s_cmd" "$d_cmd" ""
row "start -> quorate, ready to host (s)" "-" "$d_q" "<= 3"
row "idle RSS (MiB)" "$s_rss" "$d_rss" "< 256"
row "idle CPU (% of a core)" "$s_cpu" "$d_cpu" "< 1"
