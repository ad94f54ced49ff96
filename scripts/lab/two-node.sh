#!/usr/bin/env bash
# The two-node lab: a real Duplex hot-standby pair and a client on this one machine, each in its own network
# namespace, cabled the way a production pair is:
#
#   public LAN (bridge)   node1 eth0 10.77.1.1   node2 eth0 10.77.1.2   client eth0 10.77.1.100   VIP 10.77.1.50
#   interconnect (bridge) node1 eth1 10.77.2.1   node2 eth1 10.77.2.2   cluster membership + UDP heartbeat
#   serial null-modem     a socat pty pair: the serial heartbeat link
#   shared disk           a lease file: the two-node tiebreaker
#   data disk             each node's own 16 MiB ext4 (a loop-mounted image), seen by that node only at
#                         /etc/duplex-lab-data: `ip netns exec` bind-mounts /etc/netns/NS/* over /etc (iproute2's
#                         per-namespace /etc), so one path names a different disk on each node, as on two hosts
#   fence device          the switch: `fence off node1` disables node1's ports on both bridges (fabric fencing,
#                         like fence_ifmib); every node has it configured as an exec fence device.
#                         With DUPLEX_LAB_FENCE=ipmi instead: each node has a BMC, OpenIPMI's ipmi_sim in the switch
#                         namespace on a management network (br2: BMCs 10.77.3.101/.102, nodes' eth2 10.77.3.1/.2),
#                         whose chassis power control is wired to the lab (power off = `kill NODE`, the status =
#                         whether NODE's JVM runs); the nodes' only fence device is then `type = ipmi` (ipmitool)
#                         With DUPLEX_LAB_FENCE=sbd: no device outside the nodes, only a poison-pill area on the shared
#                         disk ($LAB/sbd.img, zeros the nodes' watchers initialise; watchdog timeout 1 s, msgwait 2 s,
#                         no hardware watchdog here); the nodes' only fence device is then `type = sbd`
#
# The group `web` = VIP + a small HTTP service answering "served by nodeN" runs on node1 first.
# Used by `scripts/demo.sh` (the run command), the failover benchmark and itests/TwoNodeFailoverIT, so the demo is
# what CI tests. Root only (network namespaces).
#
#   two-node.sh up [ASSEMBLY.tar.gz]   create everything, start both nodes, define the group, wait until served
#   two-node.sh down                   stop everything and delete the namespaces
#   two-node.sh net                    only the namespaces, bridges, serial cable, lease file and fence device
#   two-node.sh client NODE COMMAND    run a console command on NODE (bin/client, no terminal needed)
#   two-node.sh console NODE           interactive console on NODE
#   two-node.sh upgrade NODE SOURCE    bin/duplex-upgrade SOURCE on NODE (a KAR or repository directory: standby,
#                                      feature upgrade, rejoin, online; scripts/upgrade/make-next.sh builds one)
#   two-node.sh served                 which node answers at the VIP (one HTTP request from the client)
#   two-node.sh kill NODE              power cut: NODE's links down and every process of NODE SIGKILLed
#   two-node.sh start NODE             boot NODE again (unfenced, addresses as after a reboot)
#   two-node.sh freeze|thaw NODE       SIGSTOP / SIGCONT NODE's JVM (a hung node)
#   two-node.sh pause NODE MS          SIGSTOP NODE's JVM for MS milliseconds, then SIGCONT (a GC or VM stun)
#   two-node.sh loss PCT               drop PCT % of packets each way on both nodes' LAN and interconnect
#                                      (nftables numgen rules in their namespaces; 0 removes them; serial untouched)
#   two-node.sh cut|heal NODE          interconnect port of NODE down / up (serial link stays)
#   two-node.sh cut-lan|heal-lan NODE  public LAN port of NODE down / up (interconnect and serial stay: the node
#                                      lives, but clients and the LAN's gateway cannot reach it)
#   two-node.sh fill-disk|free-disk NODE  fill NODE's data disk (/etc/duplex-lab-data) to 100 % / empty it again
#   two-node.sh fence off|on|status NODE   the fence device by hand
#   two-node.sh kill-app NODE          SIGKILL the web service process on NODE (the JVM stays)
#   two-node.sh probe start FILE | probe stop   client probe: connects to the VIP every 10 ms (lab/probe.py)
#   two-node.sh attach NS ADDRESS PORT another host on the public LAN: namespace NS, its eth0 at ADDRESS (/24) on
#                                      switch port PORT (backup.sh's SFTP site, vmware.sh's vCenter)
#
# Env: DUPLEX_LAB_PREFIX (namespace prefix, default dxl-), DUPLEX_LAB_DIR (default /var/tmp/duplex-lab),
#      DUPLEX_LAB_FENCE (switch, the default, ipmi or sbd)
set -euo pipefail

P=${DUPLEX_LAB_PREFIX:-dxl-}
LAB=${DUPLEX_LAB_DIR:-/var/tmp/duplex-lab}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/lab"
VIP=10.77.1.50
SW=${P}sw
FENCE=${DUPLEX_LAB_FENCE:-switch}
case "$FENCE" in switch|ipmi|sbd) ;; *) echo "two-node: DUPLEX_LAB_FENCE must be switch, ipmi or sbd, was '$FENCE'" >&2; exit 2 ;; esac
NODES=(node1 node2)

die() { echo "two-node: $*" >&2; exit 1; }
ns_of() { case "$1" in node1) echo "${P}n1" ;; node2) echo "${P}n2" ;; client) echo "${P}cl" ;; *) die "unknown node '$1' (node1 or node2)" ;; esac; }
idx_of() { case "$1" in node1) echo 1 ;; node2) echo 2 ;; *) die "unknown node '$1' (node1 or node2)" ;; esac; }
home_of() { echo "$LAB/$1"; }
need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces); run it with sudo"; }
jvm_pid() { local f; f="$(home_of "$1")/karaf.pid"; [ -f "$f" ] && cat "$f" || true; }

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

find_assembly() {
    local a=${1:-}
    [ -n "$a" ] || a=$(ls "$ROOT"/karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
    [ -n "$a" ] && [ -f "$a" ] || die "no assembly: build first (mvn -o install -DskipTests) or pass the tar.gz"
    echo "$a"
}

wait_for() { # SECONDS DESCRIPTION COMMAND...
    local secs=$1 what=$2; shift 2
    local end=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || die "timed out after ${secs} s waiting for: $what"
        sleep 0.5
    done
}

quorate() { client "$1" ha:status | grep -q "Quorum:      yes"; }
served_by() { ip netns exec "${P}cl" python3 "$HERE/probe.py" --once "$VIP" 8080 2>/dev/null; }
is_served_by() { [ "$(served_by)" = "$1" ]; }

up() {
    need_root
    for t in socat python3 perl ip java; do command -v "$t" >/dev/null || die "missing $t (scripts/install-deps.sh)"; done
    local assembly; assembly=$(find_assembly "${1:-}")
    down_quiet
    net_up
    nodes_up "$assembly"
}

# The namespaces, bridges and cables only (the keepalived comparison of the benchmark uses them bare).
net_up() {
    mkdir -p "$LAB"
    ip netns add "$SW"
    ip -n "$SW" link set lo up
    ip -n "$SW" link add br0 type bridge && ip -n "$SW" link set br0 up
    ip -n "$SW" link add br1 type bridge && ip -n "$SW" link set br1 up
    for n in node1 node2 client; do ip netns add "$(ns_of $n)"; ip -n "$(ns_of $n)" link set lo up; done
    plug "${P}n1" eth0 10.77.1.1/24 br0 n1-lan
    plug "${P}n2" eth0 10.77.1.2/24 br0 n2-lan
    plug "${P}cl" eth0 10.77.1.100/24 br0 cl-lan
    plug "${P}n1" eth1 10.77.2.1/24 br1 n1-ic
    plug "${P}n2" eth1 10.77.2.2/24 br1 n2-ic
    # --- serial cable and shared disk
    socat pty,raw,echo=0,link="$LAB/tty1" pty,raw,echo=0,link="$LAB/tty2" >"$LAB/socat.log" 2>&1 &
    echo $! >"$LAB/socat.pid"
    wait_for 10 "the serial pty pair" test -e "$LAB/tty2"
    rm -f "$LAB/lease.img"; truncate -s 1M "$LAB/lease.img" # zeroed: no record left from an earlier lab
    rm -f "$LAB/sbd.img"; [ "$FENCE" = sbd ] && truncate -s 1M "$LAB/sbd.img" # blank SBD area (DUPLEX_LAB_FENCE=sbd)
    data_disks_up
    # --- the fence device: both nodes' ports on both switches
    cat >"$LAB/fence.sh" <<EOF
#!/bin/sh
# exec fence device of the lab: $0 off|on|status NODE (disables NODE's switch ports)
case "\$2" in node1) p=n1 ;; node2) p=n2 ;; *) echo "unknown node \$2" >&2; exit 3 ;; esac
case "\$1" in
  off) ip -n $SW link set \$p-lan down && ip -n $SW link set \$p-ic down ;;
  on)  ip -n $SW link set \$p-lan up && ip -n $SW link set \$p-ic up ;;
  status) ip -n $SW -o link show \$p-lan | grep -q 'state UP\\|,UP' && exit 0 || exit 1 ;;
  *) echo "unknown action \$1" >&2; exit 3 ;;
esac
EOF
    chmod 755 "$LAB/fence.sh"
    [ "$FENCE" = ipmi ] && bmcs_up
    return 0
}

# Each node's BMC: ipmi_sim on the management bridge, its chassis power control wired to the lab.
bmcs_up() {
    command -v ipmi_sim >/dev/null && command -v ipmitool >/dev/null || die "DUPLEX_LAB_FENCE=ipmi needs ipmi_sim and ipmitool (scripts/install-deps.sh)"
    ip -n "$SW" link add br2 type bridge && ip -n "$SW" link set br2 up
    plug "${P}n1" eth2 10.77.3.1/24 br2 n1-mg
    plug "${P}n2" eth2 10.77.3.2/24 br2 n2-mg
    install -m 600 /dev/null "$LAB/ipmi.pass" && echo "lab-bmc-pw" >"$LAB/ipmi.pass"
    for n in "${NODES[@]}"; do
        local i b; i=$(idx_of $n); b="$LAB/bmc-$n"
        rm -rf "$b"; mkdir -p "$b/state"
        ip -n "$SW" addr add "10.77.3.10$i/24" dev br2
        cat >"$b/chassis.sh" <<EOF
#!/bin/sh
# ipmi_sim's chassis_control for $n: \$1 = MC address, then get PARM... | set PARM VALUE...
shift; op=\$1; shift
# powered = the JVM runs; a killed one counts as off at once, even while it waits as a zombie to be reaped
alive() { pid=\$(cat "$(home_of $n)/karaf.pid" 2>/dev/null) && st=\$(ps -o stat= -p "\$pid" 2>/dev/null) && [ "\${st#Z}" = "\$st" ]; }
lab() { DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB DUPLEX_LAB_FENCE=ipmi bash $HERE/two-node.sh "\$@"; }
case \$op in
  get) for p in "\$@"; do [ "\$p" = power ] && { alive && echo power:1 || echo power:0; }; done ;;
  set) while [ \$# -ge 2 ]; do
         if [ "\$1" = power ]; then
           echo "\$(date +%T.%N) set power \$2" >>"$b/events"
           if [ "\$2" = 0 ]; then lab kill $n >>"$b/events" 2>&1
           else alive || setsid sh -c "sleep 1; DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB DUPLEX_LAB_FENCE=ipmi exec bash $HERE/two-node.sh start $n" </dev/null >>"$b/events" 2>&1 &
           fi
         fi
         shift 2
       done ;;
esac
exit 0
EOF
        chmod 755 "$b/chassis.sh"
        cat >"$b/lan.conf" <<EOF
name "duplex-lab-$n"
set_working_mc 0x20
  startlan 1
    addr 10.77.3.10$i 623
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcde$i
  endlan
  chassis_control "$b/chassis.sh 0x20"
  user 2 true  "fence" "lab-bmc-pw" operator 10 none md2 md5 straight
EOF
        printf 'mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n' >"$b/emu.cmds"
        ip netns exec "$SW" setsid ipmi_sim -c "$b/lan.conf" -f "$b/emu.cmds" -s "$b/state" -n </dev/null >"$b/sim.log" 2>&1 &
        echo $! >"$b/sim.pid"
    done
    for n in "${NODES[@]}"; do
        wait_for 20 "$n's BMC answering" ip netns exec "${P}n$(idx_of $n)" ipmitool -I lanplus -H "10.77.3.10$(idx_of $n)" \
            -U fence -f "$LAB/ipmi.pass" -L operator -N 1 -R 1 chassis power status
    done
}

bmcs_down() {
    for n in "${NODES[@]}"; do
        local f="$LAB/bmc-$n/sim.pid"
        [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
}

nodes_up() {
    local assembly=$1
    # --- the service: answers every HTTP request with the node it runs on (lab/web.pl)
    cat >"$LAB/web.sh" <<EOF
#!/bin/sh
NAME=\$(ip netns identify \$\$ | sed 's/^$P//; s/^n/node/')
exec perl $HERE/web.pl $VIP 8080 \$NAME
EOF
    chmod 755 "$LAB/web.sh"
    # --- the nodes
    head -c 32 /dev/urandom >"$LAB/cluster.key"
    for n in "${NODES[@]}"; do
        local i h peer pi
        i=$(idx_of $n); h=$(home_of $n)
        peer=$([ $n = node1 ] && echo node2 || echo node1); pi=$(idx_of $peer)
        rm -rf "$h"; mkdir -p "$h"
        tar xzf "$assembly" -C "$h" --strip-components=1
        install -m 600 "$LAB/cluster.key" "$h/etc/duplex-cluster.key"
        local c="$h/etc/org.duplex.cluster.cfg"
        set_prop "$c" node.id $n
        set_prop "$c" members "node1@10.77.2.1:7800, node2@10.77.2.2:7800"
        set_prop "$c" bind.address 10.77.2.$i
        set_prop "$c" bind.port 7800
        set_prop "$c" two_node true
        set_prop "$c" wait_for_all true
        set_prop "$c" tiebreaker.type disk
        set_prop "$c" tiebreaker.disk.path "$LAB/lease.img"
        set_prop "$h/etc/org.duplex.heartbeat.cfg" node.id $n
        set_prop "$h/etc/org.duplex.heartbeat.cfg" peers $peer
        printf 'name = udp0\ntype = udp\nlocal.address = 10.77.2.%s\nport = 7400\npeers = %s=10.77.2.%s:7400\n' \
            "$i" "$peer" "$pi" >"$h/etc/org.duplex.heartbeat.link-udp0.cfg"
        printf 'name = serial0\ntype = serial\ndevice = %s\nbaud = 19200\npeers = %s\n' \
            "$LAB/tty$i" "$peer" >"$h/etc/org.duplex.heartbeat.link-serial0.cfg"
        if [ "$FENCE" = ipmi ]; then
            printf 'type = ipmi\nnodes = node1,node2\nbmc.node1 = 10.77.3.101\nbmc.node2 = 10.77.3.102\nuser = fence\npassword.file = %s\nprivilege = operator\nlan.timeout = 1s\nretries = 1\npoll.interval = 250ms\ntimeout = 10s\n' \
                "$LAB/ipmi.pass" >"$h/etc/org.duplex.failover.fence-ipmi.cfg"
        elif [ "$FENCE" = sbd ]; then
            printf 'type = sbd\nnodes = node1,node2\ndevice = %s\nsender = %s\ntimeout = 10s\n' \
                "$LAB/sbd.img" "$n" >"$h/etc/org.duplex.failover.fence-sbd.cfg"
            printf 'node.id = %s\ndevice = %s\nnodes = node1,node2\nwatchdog.timeout = 1s\nmsgwait = 2s\n' \
                "$n" "$LAB/sbd.img" >"$h/etc/org.duplex.failover.sbd.cfg"
        else
            printf 'type = exec\ncommand = %s\nnodes = node1,node2\ntimeout = 10s\n' \
                "$LAB/fence.sh" >"$h/etc/org.duplex.failover.fence-switch.cfg"
        fi
        # separate hosts have separate /run: each node keeps its pid files under its own home
        printf 'run.dir = %s/run\n' "$h" >"$h/etc/org.duplex.failover.agent.process.cfg"
    done
    for n in "${NODES[@]}"; do ip netns exec "$(ns_of $n)" "$(home_of $n)/bin/start"; done
    for n in "${NODES[@]}"; do wait_for 180 "$n quorate" quorate $n; done
    for n in "${NODES[@]}"; do
        client $n "ha:resource-add -f vip vip ip=$VIP cidr=24 interface=eth0 monitor-interval=1s" >/dev/null
        client $n "ha:resource-add -f app process command=$LAB/web.sh monitor-interval=1s" >/dev/null
        client $n "ha:group-add -f web resources=vip,app nodes=node1,node2 failback=manual" >/dev/null
    done
    wait_for 120 "the web group served at $VIP" is_served_by node1
    echo "two-node lab up: web served by node1 at http://$VIP:8080/ (client namespace ${P}cl)"
}

# Each node's data disk: an ext4 image mounted at /etc/netns/NS/duplex-lab-data, which `ip netns exec NS` binds over
# /etc/duplex-lab-data (the empty mount point on the host) for every process it starts in NS. Best effort: a
# machine without loop devices gets a warning, and only the test that fills a disk fails, saying why.
data_disks_up() {
    mkdir -p /etc/duplex-lab-data
    for n in "${NODES[@]}"; do
        local ns img mnt; ns=$(ns_of $n); img="$LAB/data-$n.img"; mnt="/etc/netns/$ns/duplex-lab-data"
        mkdir -p "$mnt"
        rm -f "$img"; truncate -s 16M "$img"
        if ! { mkfs.ext4 -q -F -m 0 "$img" && mount -o loop "$img" "$mnt"; } >/dev/null 2>&1; then
            echo "two-node: WARNING: no data disk for $n (mkfs.ext4 or loop mount failed); fill-disk will not work" >&2
        fi
    done
}

data_disks_down() {
    for n in "${NODES[@]}"; do
        local mnt; mnt="/etc/netns/$(ns_of $n)/duplex-lab-data"
        mountpoint -q "$mnt" 2>/dev/null && umount -l "$mnt" 2>/dev/null || true
        rmdir "$mnt" "/etc/netns/$(ns_of $n)" 2>/dev/null || true
        rm -f "$LAB/data-$n.img"
    done
}

data_disk_of() {
    local mnt; mnt="/etc/netns/$(ns_of "$1")/duplex-lab-data"
    mountpoint -q "$mnt" || die "$1 has no data disk mounted at $mnt (see the warning of 'up')"
    echo "$mnt"
}

down_quiet() {
    [ -f "$LAB/probe.pid" ] && kill "$(cat "$LAB/probe.pid")" 2>/dev/null || true
    for n in "${NODES[@]}"; do
        local ns; ns=$(ns_of $n)
        local pid; pid=$(jvm_pid $n)
        [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null || true
        if ip netns list | grep -qw "$ns"; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        fi
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    [ -f "$LAB/socat.pid" ] && kill "$(cat "$LAB/socat.pid")" 2>/dev/null || true
    bmcs_down
    for ns in "${P}n1" "${P}n2" "${P}cl" "$SW"; do ip netns del "$ns" 2>/dev/null || true; done
    data_disks_down
    rm -f "$LAB/socat.pid" "$LAB/probe.pid"
}

kill_node() {
    local n=$1 ns; ns=$(ns_of "$n")
    ip -n "$ns" link set eth0 down; ip -n "$ns" link set eth1 down
    for p in $(ip netns pids "$ns"); do kill -KILL "$p" 2>/dev/null || true; done
    local pid; pid=$(jvm_pid "$n"); [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
}

start_node() {
    local n=$1 ns; ns=$(ns_of "$n")
    # as after a reboot: no VIP, no service, interfaces up; and the operator unfences it (the survivor fenced it)
    "$LAB/fence.sh" on "$n"
    ip -n "$ns" addr del "$VIP/24" dev eth0 2>/dev/null || true
    # and no other service address either (a test's database VIP, 10.77.1.51, stayed on the killed node's eth0 and
    # came back up with it: two owners until the engine stopped it there): every secondary address goes
    ip -n "$ns" addr flush dev eth0 secondary 2>/dev/null || true
    rm -rf "$(home_of "$n")/run"
    ip -n "$ns" link set eth0 up; ip -n "$ns" link set eth1 up
    ip netns exec "$ns" "$(home_of "$n")/bin/start"
    wait_for 180 "$n answering and quorate" quorate "$n"
}

cmd=${1:-}; shift || true
case "$cmd" in
    up) up "$@" ;;
    net) need_root; down_quiet; net_up; echo "two-node lab network up (no nodes started)" ;;
    down) need_root; down_quiet; echo "two-node lab down" ;;
    client) [ $# -ge 2 ] || die "usage: client NODE COMMAND"; n=$1; shift; client "$n" "$*" ;;
    console) ip netns exec "$(ns_of "$1")" "$(home_of "$1")/bin/client" ;;
    upgrade) [ $# -ge 2 ] || die "usage: upgrade NODE SOURCE [OPTIONS]"; n=$1; shift
             ip netns exec "$(ns_of "$n")" "$(home_of "$n")/bin/duplex-upgrade" "$@" </dev/null ;;
    served) served_by ;;
    kill) kill_node "$1" ;;
    start) start_node "$1" ;;
    freeze) kill -STOP "$(jvm_pid "$1")" ;;
    thaw) kill -CONT "$(jvm_pid "$1")" ;;
    pause) [ $# -eq 2 ] && [[ $2 =~ ^[0-9]+$ ]] || die "usage: pause NODE MS"
           pid=$(jvm_pid "$1"); [ -n "$pid" ] || die "$1 has no JVM"
           kill -STOP "$pid"; sleep "$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))"; kill -CONT "$pid" ;;
    loss) [ $# -eq 1 ] && [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -le 100 ] || die "usage: loss PCT (0-100)"
          command -v nft >/dev/null || die "loss needs nft (Debian package nftables; scripts/install-deps.sh)"
          for n in "${NODES[@]}"; do
              ns=$(ns_of "$n")
              ip netns exec "$ns" nft delete table inet duplex_lab_loss 2>/dev/null || true
              [ "$1" -eq 0 ] && continue
              printf '%s\n' "table inet duplex_lab_loss {" \
                  "  chain input { type filter hook input priority 0; meta iifname { \"eth0\", \"eth1\" } numgen random mod 100 < $1 drop; }" \
                  "  chain output { type filter hook output priority 0; meta oifname { \"eth0\", \"eth1\" } numgen random mod 100 < $1 drop; }" \
                  "}" | ip netns exec "$ns" nft -f -
          done ;;
    cut) ip -n "$SW" link set "n$(idx_of "$1")-ic" down ;;
    heal) ip -n "$SW" link set "n$(idx_of "$1")-ic" up ;;
    cut-lan) ip -n "$SW" link set "n$(idx_of "$1")-lan" down ;;
    heal-lan) ip -n "$SW" link set "n$(idx_of "$1")-lan" up ;;
    fence) "$LAB/fence.sh" "$1" "$2" ;;
    attach) [ $# -eq 3 ] || die "usage: attach NS ADDRESS PORT"
            ip netns list | grep -qw "$SW" || die "no lab: run two-node.sh up first"
            ip netns add "$1"; ip -n "$1" link set lo up
            plug "$1" eth0 "$2/24" br0 "$3" ;;
    fill-disk) d=$(data_disk_of "$1"); dd if=/dev/zero of="$d/fill" bs=1M status=none 2>/dev/null || true; sync ;;
    free-disk) d=$(data_disk_of "$1"); rm -f "$d/fill"; sync ;;
    kill-app) found=0
              # The service may be between its stop and its start (a restart the engine is carrying out): wait for it
              # rather than report it missing, and name what runs there when it never comes.
              for _ in $(seq 1 50); do
                  for p in $(ip netns pids "$(ns_of "$1")"); do
                      if tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -q "web.pl $VIP"; then kill -KILL "$p" && found=1; fi
                  done
                  [ $found = 1 ] && break
                  sleep 0.2
              done
              if [ $found = 0 ]; then
                  echo "two-node: processes in $(ns_of "$1"):" >&2
                  for p in $(ip netns pids "$(ns_of "$1")"); do
                      echo "  $p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-160)" >&2
                  done
                  die "no web service runs on $1 (waited 10 s)"
              fi ;;
    probe)
        case "${1:-}" in
            start) [ -n "${2:-}" ] || die "usage: probe start FILE"
                   rm -f "$2"
                   ip netns exec "${P}cl" python3 "$HERE/probe.py" "$VIP" 8080 "$2" &
                   echo $! >"$LAB/probe.pid"
                   wait_for 10 "the probe's first answer" test -s "$2" ;;
            stop) if [ -f "$LAB/probe.pid" ]; then
                      pp=$(cat "$LAB/probe.pid"); kill "$pp" 2>/dev/null || true
                      for _ in $(seq 1 50); do kill -0 "$pp" 2>/dev/null || break; sleep 0.1; done
                      rm -f "$LAB/probe.pid"
                  fi ;;
            *) die "usage: probe start FILE | probe stop" ;;
        esac ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
