#!/usr/bin/env bash
# Footprint and start time: Duplex's distribution as shipped (a one-node cluster) beside stock Apache Karaf 4.4.10
# on the same machine, started the same way (bin/start) and asked the same way (bin/client in batch mode, every
# 0.5 s, as a script would). For each it prints:
#   start -> first answered console command (s)  first start of the unpacked distribution, and a restart of it
#   start -> quorate and ready to host (s)       Duplex only: the "Quorum gained" line of its log, both starts
#   idle RSS (MiB) and idle CPU (% of a core)    after SETTLE seconds, CPU over MEASURE seconds (from /proc)
# The first start resolves and installs the boot features; a restart (the usual case: a reboot, an upgrade, a
# node back after a failure) finds them in its cache.
# Goals (issue: runtime health): RSS < 256 MiB, CPU < 1 %, quorate <= 3 s. Stock Karaf is fetched from Maven
# Central by Maven itself. Builds the distribution first when karaf-assembly/target has none.
#
# Usage: scripts/bench/footprint.sh [SETTLE] [MEASURE]      (defaults 120 and 60 seconds)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SETTLE=${1:-120}
MEASURE=${2:-60}
ROOT=$BENCH_ROOT
W=${FOOTPRINT_DIR:-/var/tmp/duplex-footprint}
KARAF_VERSION=4.4.10
die() { echo "footprint: $*" >&2; exit 1; }

assembly=$(bench_dist)
rm -rf "$W"; mkdir -p "$W"
echo "footprint: fetching stock Apache Karaf $KARAF_VERSION through Maven"
bench_mvn org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz" -DoutputDirectory="$W"
stock_tgz=$(ls "$W"/apache-karaf-*.tar.gz 2>/dev/null | head -1 || true)
[ -n "$stock_tgz" ] || die "could not fetch apache-karaf $KARAF_VERSION"

homes=()
cleanup() { for h in "${homes[@]}"; do [ -x "$h/bin/stop" ] && "$h/bin/stop" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

unpack() { # TGZ DIR
    mkdir -p "$2"; tar -xzf "$1" -C "$2" --strip-components=1
}
now_ms() { date +%s%3N; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# boot NAME HOME CLIENT_ARGS...: bin/start, then prints "first_cmd_s quorate_s" (quorate: Duplex only, the first
# "Quorum gained" line written after this start)
boot() {
    local name=$1 home=$2; shift 2
    local t0 t1 quorate="-" log="$home/data/log/karaf.log" skip=0
    [ -f "$log" ] && skip=$(wc -l <"$log")
    t0=$(now_ms)
    "$home/bin/start"
    until echo "echo ready" | "$home/bin/client" "$@" -b 2>/dev/null | grep -q ready; do
        [ $(($(now_ms) - t0)) -lt 120000 ] || die "$name did not answer a console command within 120 s"
        sleep 0.5
    done
    t1=$(now_ms)
    if [ "$name" = duplex ]; then
        local end=$((SECONDS + 60)) line=""
        until line=$(tail -n +"$((skip + 1))" "$log" 2>/dev/null | grep -m1 "Quorum gained"); do
            [ $SECONDS -lt $end ] || break
            sleep 0.2
        done
        if [ -n "$line" ]; then
            local at; at=$(date -d "$(echo "$line" | cut -c1-23 | tr 'T,' ' .')" +%s%3N)
            quorate=$(awk -v a="$at" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')
        fi
    fi
    printf '%s %s\n' "$(awk -v a="$t1" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1000}')" "$quorate"
}

stop_and_wait() { # HOME PID
    "$1/bin/stop" >/dev/null 2>&1 || true
    local end=$((SECONDS + 60))
    while kill -0 "$2" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
}

# measure NAME HOME CLIENT_ARGS...: prints "NAME first_cmd_s quorate_s rss cpu restart_first_cmd_s restart_quorate_s"
# (first start of a freshly unpacked distribution, idle figures, then a second start of the same installation)
measure() {
    local name=$1 home=$2; shift 2
    local first pid again
    homes+=("$home")
    first=$(boot "$name" "$home" "$@")
    pid=$(cat "$home/karaf.pid" 2>/dev/null || pgrep -f "karaf.home=$home" | head -1)
    sleep "$SETTLE"
    local a b rss
    a=$(ticks "$pid"); sleep "$MEASURE"; b=$(ticks "$pid")
    rss=$(rss_mib "$pid")
    stop_and_wait "$home" "$pid"
    again=$(boot "$name" "$home" "$@")
    pid=$(cat "$home/karaf.pid" 2>/dev/null || pgrep -f "karaf.home=$home" | head -1)
    stop_and_wait "$home" "$pid"
    printf '%s %s %s %s %s\n' "$name" "$first" "$rss" \
        "$(awk -v d=$((b - a)) -v s="$MEASURE" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", d / hz / s * 100}')" "$again"
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
set -- $stock; s_cmd=$2 s_rss=$4 s_cpu=$5 s_cmd2=$6
set -- $duplex; d_cmd=$2 d_q=$3 d_rss=$4 d_cpu=$5 d_cmd2=$6 d_q2=$7
row "first start -> console answer (s)" "$s_cmd" "$d_cmd" ""
row "first start -> quorate (s)" "-" "$d_q" "<= 3"
row "restart -> console answer (s)" "$s_cmd2" "$d_cmd2" ""
row "restart -> quorate, ready (s)" "-" "$d_q2" "<= 3"
row "idle RSS (MiB)" "$s_rss" "$d_rss" "< 256"
row "idle CPU (% of a core)" "$s_cpu" "$d_cpu" "< 1"
