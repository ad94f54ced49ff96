#!/usr/bin/env bash
# The N-node lab: N real Duplex nodes (2..32, full Karaf distributions) and a client on this one machine, each in
# its own network namespace, on two switches:
#
#   public LAN (bridge)   nodeI eth0 10.78.1.I     client eth0 10.78.1.250     VIPs 10.78.1.99 and up
#   interconnect (bridge) nodeI eth1 10.78.2.I     cluster membership (JGroups TCP) + UDP multicast heartbeat
#   heartbeat links       udp0 multicast 239.78.2.1 on the interconnect, udp1 multicast 239.78.1.1 on the LAN
#   fence device          the switches: `fence off nodeI` takes nodeI's two ports down (fabric fencing)
#   two nodes only        a shared lease file is the tiebreaker (two_node), as in the two-node lab
#
# Every node of the lab is unpacked from the same distribution; `system/`, `lib/` and `bin/` are hard links to one
# unpacked copy (read-only at run time), `etc/` and `data/` are each node's own.
#
#   n-node.sh up N [ASSEMBLY.tar.gz]   create the lab, start all N nodes, wait until each is quorate in a view of N
#   n-node.sh layout chain|n+1|m-n M   define groups (see below) and wait until every group is served
#   n-node.sh down                     stop everything and delete the namespaces
#   n-node.sh client NODE COMMAND      console command on NODE (bin/client, no terminal needed)
#   n-node.sh served GROUP             which node answers at GROUP's VIP
#   n-node.sh kill NODE                power cut: NODE's links down and its processes SIGKILLed
#   n-node.sh start NODE               boot NODE again (unfenced, as after a reboot) and wait until quorate
#   n-node.sh probe start GROUP FILE | probe stop    client probe of GROUP's VIP every 10 ms (lab/probe.py)
#   n-node.sh pid NODE                 the JVM pid of NODE
#
# Layouts (every group is a VIP plus a small HTTP service answering "served by nodeI"; failback manual):
#   chain      one group `web` (VIP .99) over node1, node2, ..., nodeN in that order (1-N: hot standby chain)
#   n+1        N-1 groups gI (VIP .100+I) each on nodeI with the last node as the common spare
#   m-n M      M groups hI: group I prefers nodeI (I <= M) and falls back to the N-M spare nodes M+1..N in
#              that order (M active nodes, N-M standbys shared by all)
#
# Env: DUPLEX_NLAB_PREFIX (namespace prefix, default dxn-), DUPLEX_NLAB_DIR (default /var/tmp/duplex-nlab),
#      DUPLEX_NLAB_HEAP (max heap per node, default the distribution's),
#      DUPLEX_NLAB_DEAD_MS (heartbeat dead time and fd.timeout.ms, default the distribution's 600; warn at 2/3 of
#      it): N JVMs share this machine's 2 cores, so a large lab needs the slack a large cluster on slow hardware
#      would be given (corosync grows its token timeout with the node count for the same reason)
set -euo pipefail

P=${DUPLEX_NLAB_PREFIX:-dxn-}
LAB=${DUPLEX_NLAB_DIR:-/var/tmp/duplex-nlab}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/lab"
SW=${P}sw
CL=${P}cl

die() { echo "n-node: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces); run it with sudo"; }
count() { [ -f "$LAB/n" ] && cat "$LAB/n" || die "no lab (run: n-node.sh up N)"; }
idx_of() { [[ $1 =~ ^node([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le "$(count)" ] \
    || die "unknown node '$1' (node1..node$(count))"; echo "${BASH_REMATCH[1]}"; }
ns_of() { echo "${P}n$(idx_of "$1")"; }
home_of() { echo "$LAB/$1"; }
jvm_pid() { local f; f="$(home_of "$1")/karaf.pid"; [ -f "$f" ] && cat "$f" || true; }
vip_of() { # web: .99; gI (n+1 layout): .100+I; hI (m-n layout): .150+I
    [[ $1 =~ ^(web|([gh])([0-9]+))$ ]] || die "unknown group '$1'"
    case "${BASH_REMATCH[2]}" in g) echo "10.78.1.$((100 + BASH_REMATCH[3]))" ;; h) echo "10.78.1.$((150 + BASH_REMATCH[3]))" ;;
        *) echo 10.78.1.99 ;; esac; }

client() {
    local node=$1; shift
    ip netns exec "$(ns_of "$node")" "$(home_of "$node")/bin/client" "$@" </dev/null
}

# plug NS IFNAME ADDRESS BRIDGE PORTNAME: a veth from namespace NS (IFNAME, ADDRESS) to BRIDGE in the switch
plug() {
    local ns=$1 ifname=$2 addr=$3 br=$4 port=$5
    ip link add "$port" netns "$SW" type veth peer name "$ifname" netns "$ns"
    ip -n "$SW" link set "$port" master "$br" up
    ip -n "$ns" addr add "$addr" dev "$ifname"
    ip -n "$ns" link set "$ifname" up
}

set_prop() { # FILE KEY VALUE
    local f=$1 k=$2 v=$3
    touch "$f"
    if grep -qE "^[[:space:]]*${k//./\\.}[[:space:]]*=" "$f"; then
        sed -i -E "s|^[[:space:]]*${k//./\\.}[[:space:]]*=.*|$k = $v|" "$f"
    else
        echo "$k = $v" >>"$f"
    fi
}

wait_for() { # SECONDS DESCRIPTION COMMAND...
    local secs=$1 what=$2; shift 2
    local end=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || die "timed out after ${secs} s waiting for: $what"
        sleep 1
    done
}

# quorate in a view of all N: "Quorum: yes" and N of N votes
quorate_full() { client "$1" ha:status | grep -q "Quorum:      yes ($(count) of $(count) votes"; }
quorate() { client "$1" ha:status | grep -q "Quorum:      yes"; }
served_by() { ip netns exec "$CL" python3 "$HERE/probe.py" --once "$(vip_of "$1")" 8080 2>/dev/null; }
is_served() { local s; s=$(served_by "$1"); [[ $s == node* ]]; }

up() {
    need_root
    local n=${1:-}; [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 32 ] || die "usage: up N [ASSEMBLY] (N = 2..32)"
    for t in socat python3 perl ip java; do command -v "$t" >/dev/null || die "missing $t (scripts/install-deps.sh)"; done
    local a=${2:-}
    [ -n "$a" ] || a=$(ls "$ROOT"/karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
    [ -n "$a" ] && [ -f "$a" ] || die "no assembly: build first (mvn -o install -DskipTests) or pass the tar.gz"
    down_quiet
    mkdir -p "$LAB"; echo "$n" >"$LAB/n"
    net_up "$n"
    nodes_up "$n" "$a"
}

net_up() {
    local n=$1 i
    ip netns add "$SW"
    ip -n "$SW" link set lo up
    for b in br0 br1; do
        ip -n "$SW" link add $b type bridge mcast_snooping 0 && ip -n "$SW" link set $b up
    done
    ip netns add "$CL"; ip -n "$CL" link set lo up
    plug "$CL" eth0 10.78.1.250/24 br0 cl-lan
    for i in $(seq 1 "$n"); do
        ip netns add "${P}n$i"; ip -n "${P}n$i" link set lo up
        plug "${P}n$i" eth0 "10.78.1.$i/24" br0 "n$i-lan"
        plug "${P}n$i" eth1 "10.78.2.$i/24" br1 "n$i-ic"
        # multicast heartbeats leave through the interface of their group
        ip -n "${P}n$i" route add 239.78.1.0/24 dev eth0
        ip -n "${P}n$i" route add 239.78.2.0/24 dev eth1
    done
    rm -f "$LAB/lease.img"; truncate -s 1M "$LAB/lease.img"
    cat >"$LAB/fence.sh" <<EOF
#!/bin/sh
# exec fence device of the N-node lab: \$0 off|on|status nodeI (disables nodeI's switch ports)
p=\$(echo "\$2" | sed -n 's/^node\([0-9][0-9]*\)$/n\1/p')
[ -n "\$p" ] || { echo "unknown node \$2" >&2; exit 3; }
case "\$1" in
  off) ip -n $SW link set \$p-lan down && ip -n $SW link set \$p-ic down ;;
  on)  ip -n $SW link set \$p-lan up && ip -n $SW link set \$p-ic up ;;
  status) ip -n $SW -o link show \$p-lan | grep -q 'state UP\\|,UP' && exit 0 || exit 1 ;;
  *) echo "unknown action \$1" >&2; exit 3 ;;
esac
EOF
    chmod 755 "$LAB/fence.sh"
}

nodes_up() {
    local n=$1 assembly=$2 i members="" all="" base="$LAB/.base"
    rm -rf "$base"; mkdir -p "$base"; tar xzf "$assembly" -C "$base" --strip-components=1
    head -c 32 /dev/urandom >"$LAB/cluster.key"
    for i in $(seq 1 "$n"); do
        members="$members${members:+, }node$i@10.78.2.$i:7800"; all="$all${all:+,}node$i"
    done
    for i in $(seq 1 "$n"); do
        local h; h=$(home_of "node$i")
        rm -rf "$h"; mkdir -p "$h"
        cp -al "$base/." "$h/"; rm -rf "$h/etc"; cp -a "$base/etc" "$h/etc"
        install -m 600 "$LAB/cluster.key" "$h/etc/duplex-cluster.key"
        local c="$h/etc/org.duplex.cluster.cfg" others
        others=$(echo "$all" | tr ',' '\n' | grep -vx "node$i" | paste -sd, -)
        set_prop "$c" node.id "node$i"
        set_prop "$c" members "$members"
        set_prop "$c" bind.address "10.78.2.$i"
        set_prop "$c" bind.port 7800
        set_prop "$c" wait_for_all true
        if [ "$n" -eq 2 ]; then
            set_prop "$c" two_node true
            set_prop "$c" tiebreaker.type disk
            set_prop "$c" tiebreaker.disk.path "$LAB/lease.img"
        else
            set_prop "$c" two_node false
        fi
        set_prop "$h/etc/org.duplex.heartbeat.cfg" node.id "node$i"
        set_prop "$h/etc/org.duplex.heartbeat.cfg" peers "$others"
        printf 'name = udp0\ntype = udp\nlocal.address = 10.78.2.%s\nport = 7400\nmulticast.group = 239.78.2.1\npeers = %s\n' \
            "$i" "$others" >"$h/etc/org.duplex.heartbeat.link-udp0.cfg"
        printf 'name = udp1\ntype = udp\nlocal.address = 10.78.1.%s\nport = 7401\nmulticast.group = 239.78.1.1\npeers = %s\n' \
            "$i" "$others" >"$h/etc/org.duplex.heartbeat.link-udp1.cfg"
        if [ -n "${DUPLEX_NLAB_DEAD_MS:-}" ]; then
            set_prop "$c" fd.timeout.ms "$DUPLEX_NLAB_DEAD_MS"
            for l in udp0 udp1; do
                printf 'warn.ms = %s\ndead.ms = %s\n' $((DUPLEX_NLAB_DEAD_MS * 2 / 3)) "$DUPLEX_NLAB_DEAD_MS" \
                    >>"$h/etc/org.duplex.heartbeat.link-$l.cfg"
            done
        fi
        printf 'type = exec\ncommand = %s\nnodes = %s\ntimeout = 10s\n' "$LAB/fence.sh" "$all" \
            >"$h/etc/org.duplex.failover.fence-switch.cfg"
        printf 'run.dir = %s/run\n' "$h" >"$h/etc/org.duplex.failover.agent.process.cfg"
        if [ -n "${DUPLEX_NLAB_HEAP:-}" ]; then
            sed -i -E "s/^JAVA_MAX_MEM=.*/JAVA_MAX_MEM=\"\${JAVA_MAX_MEM:-$DUPLEX_NLAB_HEAP}\"/" "$h/bin/setenv"
        fi
    done
    # started a few at a time: 32 JVMs booting at once on two cores starve each other's heartbeats
    local batch=${DUPLEX_NLAB_BATCH:-4}
    for i in $(seq 1 "$n"); do
        ip netns exec "${P}n$i" "$(home_of "node$i")/bin/start" >>"$LAB/start.log" 2>&1
        if [ $((i % batch)) -eq 0 ] || [ "$i" -eq "$n" ]; then
            for j in $(seq $((i - (i - 1) % batch)) "$i"); do wait_for 300 "node$j answering" quorate_or_waiting "node$j"; done
        fi
    done
    for i in $(seq 1 "$n"); do wait_for 300 "node$i quorate in a view of $n" quorate_full "node$i"; done
    echo "n-node lab up: $n nodes quorate (client namespace $CL)"
}

# the console answers and the cluster bundle reports (quorate or still waiting for all nodes)
quorate_or_waiting() { client "$1" ha:status | grep -q "^Quorum:"; }

web_script() { # GROUP -> path of the group's service script
    local g=$1 f="$LAB/web-$1.sh"
    cat >"$f" <<EOF
#!/bin/sh
NAME=\$(ip netns identify \$\$ | sed 's/^$P//; s/^n/node/')
exec perl $HERE/web.pl $(vip_of "$g") 8080 \$NAME
EOF
    chmod 755 "$f"; echo "$f"
}

define_group() { # GROUP NODES(comma list)
    local g=$1 nodes=$2 first=${2%%,*} vip
    vip=$(vip_of "$g")
    client "$first" "ha:resource-add -f $g-vip vip ip=$vip cidr=24 interface=eth0 monitor-interval=1s" >/dev/null
    client "$first" "ha:resource-add -f $g-app process command=$(web_script "$g") monitor-interval=1s" >/dev/null
    client "$first" "ha:group-add -f $g resources=$g-vip,$g-app nodes=$nodes failback=manual" >/dev/null
}

layout() {
    local kind=${1:-} n i groups=() spare
    n=$(count)
    case "$kind" in
        chain) define_group web "$(seq -f 'node%g' 1 "$n" | paste -sd, -)"; groups=(web) ;;
        n+1) for i in $(seq 1 $((n - 1))); do define_group "g$i" "node$i,node$n"; groups+=("g$i"); done ;;
        m-n) local m=${2:-}; [[ $m =~ ^[0-9]+$ ]] && [ "$m" -ge 1 ] && [ "$m" -lt "$n" ] || die "usage: layout m-n M (M < N)"
             spare=$(seq -f 'node%g' $((m + 1)) "$n" | paste -sd, -)
             for i in $(seq 1 "$m"); do define_group "h$i" "node$i,$spare"; groups+=("h$i"); done ;;
        *) die "usage: layout chain | n+1 | m-n M" ;;
    esac
    for g in "${groups[@]}"; do wait_for 300 "group $g served" is_served "$g"; done
    echo "n-node lab: layout $kind, ${#groups[@]} group(s) served"
}

down_quiet() {
    local n=0 i
    [ -f "$LAB/n" ] && n=$(cat "$LAB/n")
    [ -f "$LAB/probe.pid" ] && kill "$(cat "$LAB/probe.pid")" 2>/dev/null || true
    for ns in $(ip netns list | awk '{print $1}' | grep "^${P}" || true); do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null || true; done
    done
    for i in $(seq 1 "$n"); do
        local pid; pid=$(jvm_pid "node$i" 2>/dev/null || true)
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    for ns in $(ip netns list | awk '{print $1}' | grep "^${P}" || true); do ip netns del "$ns" 2>/dev/null || true; done
    rm -f "$LAB/probe.pid"
}

kill_node() {
    local n=$1 ns; ns=$(ns_of "$n")
    ip -n "$ns" link set eth0 down; ip -n "$ns" link set eth1 down
    for p in $(ip netns pids "$ns"); do kill -KILL "$p" 2>/dev/null || true; done
    local pid; pid=$(jvm_pid "$n"); [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
}

start_node() {
    local n=$1 ns; ns=$(ns_of "$n")
    "$LAB/fence.sh" on "$n"
    for a in $(ip -n "$ns" -4 -o addr show dev eth0 | awk '{print $4}' | grep -E '^10\.78\.1\.(99|1[0-9][0-9])/' || true); do
        ip -n "$ns" addr del "$a" dev eth0 2>/dev/null || true
    done
    rm -rf "$(home_of "$n")/run"
    ip -n "$ns" link set eth0 up; ip -n "$ns" link set eth1 up
    ip -n "$ns" route replace 239.78.1.0/24 dev eth0; ip -n "$ns" route replace 239.78.2.0/24 dev eth1
    ip netns exec "$ns" "$(home_of "$n")/bin/start" >>"$LAB/start.log" 2>&1
    wait_for 300 "$n answering and quorate" quorate_full "$n"
}

cmd=${1:-}; shift || true
case "$cmd" in
    up) up "$@" ;;
    layout) layout "$@" ;;
    down) need_root; down_quiet; echo "n-node lab down" ;;
    client) [ $# -ge 2 ] || die "usage: client NODE COMMAND"; n=$1; shift; client "$n" "$*" ;;
    served) served_by "${1:-web}" ;;
    kill) kill_node "$1" ;;
    start) start_node "$1" ;;
    pid) jvm_pid "$1" ;;
    probe)
        case "${1:-}" in
            start) [ -n "${3:-}" ] || die "usage: probe start GROUP FILE"
                   rm -f "$3"
                   ip netns exec "$CL" python3 "$HERE/probe.py" "$(vip_of "$2")" 8080 "$3" &
                   echo $! >"$LAB/probe.pid"
                   wait_for 10 "the probe's first answer" test -s "$3" ;;
            stop) if [ -f "$LAB/probe.pid" ]; then
                      pp=$(cat "$LAB/probe.pid"); kill "$pp" 2>/dev/null || true
                      for _ in $(seq 1 50); do kill -0 "$pp" 2>/dev/null || break; sleep 0.1; done
                      rm -f "$LAB/probe.pid"
                  fi ;;
            *) die "usage: probe start GROUP FILE | probe stop" ;;
        esac ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
