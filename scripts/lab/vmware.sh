#!/usr/bin/env bash
# VMware in the two-node lab (issue 18): a vCenter (VMware's vcsim, govmomi 0.24 from Debian, built offline by
# plugins/vmware/src/test/vcsim/build.sh) on the lab's public LAN, the VMware plug-in on both nodes, the nodes
# fenced through it, and a VM as a resource of group `web`. Run after `two-node.sh up`.
#
#   vCenter   namespace ${P}vc, eth0 10.77.1.8 on the LAN bridge, https://10.77.1.8/sdk, user duplex-lab, password
#             in $LAB/vmware/vc.pw (0600), its certificate pinned by thumbprint in every configuration
#   VMs       DC0/vm/node1 and DC0/vm/node2 stand for the cluster nodes (each node *is* that VM): vcsim runs
#             $LAB/vmware/hook.sh at every power change, before vSphere reports it, and the hook makes the change
#             real: powered off = `two-node.sh kill NODE` (links down, SIGKILL), powered on = `two-node.sh start NODE`
#             (when its JVM is not running). DC0/vm/app01 is the application VM, resource `app-vm` (type vmware-vm)
#   fencing   each node's only fencing device is `vc` (type vmware, etc/org.duplex.failover.fence-vc.cfg); the lab's
#             switch device (fence-switch.cfg) is removed
#   group     web = app-vm, vip, app on node1,node2 (failback manual); app01 is powered off before the group takes
#             it, so its first start is node1 powering it on. Each node keeps the markers of the VMs it started in
#             $LAB/NODE/run/vmware (etc/org.duplex.plugin.vmware.cfg run.dir), emptied by two-node.sh start as a
#             reboot empties /run
#
#   vmware.sh up                 vcsim, the plug-in on both nodes, the fencing device, the VM resource in group web
#   vmware.sh vm state|on|off VM the hypervisor by hand (not through vSphere's API: as a host event would, e.g. a
#                                host failure taking app01 down); the hook runs as for an API power change
#   vmware.sh events             every power change vcsim made: "HH:MM:SS.nnnnnnnnn VM STATE", oldest first
#   vmware.sh endpoint           the endpoint keys (url, user, password-file, thumbprint) as resource parameters
#   vmware.sh down               stop vcsim, delete its namespace and files, give the nodes the switch device back
#
# Env: as two-node.sh (DUPLEX_LAB_PREFIX, DUPLEX_LAB_DIR). Root only; needs golang-go and
# golang-github-vmware-govmomi-dev (scripts/install-deps.sh).
set -euo pipefail
P=${DUPLEX_LAB_PREFIX:-dxl-}
LAB=${DUPLEX_LAB_DIR:-/var/tmp/duplex-lab}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/lab"
VC_NS=${P}vc
VC_IP=10.77.1.8
V=$LAB/vmware
VCSIM=${DUPLEX_VCSIM:-$ROOT/plugins/vmware/target/vcsim/vcsim}
die() { echo "vmware: $*" >&2; exit 1; }
ns_of() { case "$1" in node1) echo "${P}n1" ;; node2) echo "${P}n2" ;; client) echo "${P}cl" ;; *) die "unknown node '$1'" ;; esac; }
client() { local n=$1; shift; ip netns exec "$(ns_of "$n")" "$LAB/$n/bin/client" "$@" </dev/null; }
lab() { DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB bash "$HERE/two-node.sh" "$@"; }
endpoint() { echo "url=https://$VC_IP/sdk user=duplex-lab password-file=$V/vc.pw thumbprint=$(cat "$V/thumbprint")"; }
control() { echo "$*" | socat -t 30 - UNIX-CONNECT:"$V/control"; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"

vcenter_up() {
    ip netns list | grep -qw "${P}sw" || die "no lab: run two-node.sh up first"
    command -v socat >/dev/null || die "socat missing: run scripts/install-deps.sh"
    bash "$ROOT/plugins/vmware/src/test/vcsim/build.sh" "$VCSIM" ||
        die "cannot build vcsim (exit $?; golang-go and golang-github-vmware-govmomi-dev: scripts/install-deps.sh)"
    rm -rf "$V"; mkdir -p "$V"
    install -m 600 /dev/null "$V/vc.pw" && echo "lab-vc-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$V/vc.pw"
    cat >"$V/hook.sh" <<EOF
#!/bin/sh
# vcsim's power hook (scripts/lab/vmware.sh): \$1 = VM name, \$2 = its new power state; runs before vSphere reports it
echo "\$(date +%T.%N) \$1 \$2" >>"$V/events"
lab() { DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB bash $HERE/two-node.sh "\$@"; }
alive() { pid=\$(cat "$LAB/\$1/karaf.pid" 2>/dev/null) && st=\$(ps -o stat= -p "\$pid" 2>/dev/null) && [ "\${st#Z}" = "\$st" ]; }
case "\$1" in
  node1|node2)
    if [ "\$2" = poweredOff ]; then lab kill "\$1" >>"$V/hook.log" 2>&1
    elif [ "\$2" = poweredOn ] && ! alive "\$1"; then
      setsid sh -c "sleep 1; DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB exec bash $HERE/two-node.sh start \$1" </dev/null >>"$V/hook.log" 2>&1 &
    fi ;;
esac
exit 0
EOF
    chmod 755 "$V/hook.sh"
    lab attach "$VC_NS" "$VC_IP" vc-lan
    ip netns exec "$VC_NS" setsid "$VCSIM" -listen "$VC_IP:443" -user duplex-lab -pass "$(cat "$V/vc.pw")" \
        -rename DC0_H0_VM0=node1,DC0_H0_VM1=node2,DC0_C0_RP0_VM0=app01 -hook "$V/hook.sh" -control "$V/control" \
        -daemon </dev/null >"$V/vcsim.out" 2>"$V/vcsim.log" &
    echo $! >"$V/vcsim.pid"
    for _ in $(seq 1 100); do grep -q '^READY' "$V/vcsim.out" 2>/dev/null && break; sleep 0.1; done
    grep -q '^READY' "$V/vcsim.out" || die "vcsim did not start: $(cat "$V/vcsim.log")"
    sed -n 's/^THUMBPRINT //p' "$V/vcsim.out" >"$V/thumbprint"
    [ -s "$V/thumbprint" ] || die "vcsim printed no thumbprint"
}

plugin_up() {
    local out
    for n in node1 node2; do
        # separate hosts have separate /run: each lab node keeps the markers of the VMs it started under its own home,
        # which two-node.sh start empties as a reboot empties /run (written before the install, which keeps the file)
        printf '# scripts/lab/vmware.sh\nrun.dir = %s/run/vmware\n' "$LAB/$n" >"$LAB/$n/etc/org.duplex.plugin.vmware.cfg"
    done
    out=$(client node1 "ha:plugin-install duplex-plugin-vmware" 2>&1) || true
    case "$out" in *"Installed on 2 of 2 nodes"*) ;; *) die "duplex-plugin-vmware did not install on both nodes: $out" ;; esac
}

fencing_up() {
    for n in node1 node2; do
        printf '# the lab node is VM %s of the lab vCenter (scripts/lab/vmware.sh)\ntype = vmware\nnodes = node1,node2\nurl = https://%s/sdk\nuser = duplex-lab\npassword-file = %s\nthumbprint = %s\nvm.node1 = DC0/vm/node1\nvm.node2 = DC0/vm/node2\ntimeout = 10s\n' \
            "$n" "$VC_IP" "$V/vc.pw" "$(cat "$V/thumbprint")" >"$LAB/$n/etc/org.duplex.failover.fence-vc.cfg"
        rm -f "$LAB/$n/etc/org.duplex.failover.fence-switch.cfg"
    done
    for n in node1 node2; do
        local list=
        for i in $(seq 1 120); do
            list=$(client "$n" "ha:fence-list" 2>&1) || true
            [[ "$list" == *"vc  type=vmware"* && "$list" != *"type=exec"* && "$list" != *WARNING* ]] && break
            [ "$i" = 120 ] && die "$n: the vmware fencing device is not the only one loaded: $list"
            sleep 0.5
        done
    done
}

group_up() {
    control off app01 >/dev/null
    client node1 "ha:resource-add -f app-vm vmware-vm $(endpoint) vm=DC0/vm/app01 start-timeout=30s stop-timeout=30s monitor-interval=2s" >/dev/null
    client node1 "ha:group-add -f web resources=app-vm,vip,app nodes=node1,node2 failback=manual" >/dev/null
}

case "${1:-}" in
    up)
        ip netns list | grep -qw "$VC_NS" && "$0" down
        vcenter_up
        plugin_up
        fencing_up
        group_up
        echo "vmware: vCenter https://$VC_IP/sdk (thumbprint $(cat "$V/thumbprint")); nodes fenced through VMs node1/node2; app-vm (DC0/vm/app01) in group web"
        ;;
    vm)
        [ $# -eq 3 ] || die "usage: vm state|on|off VM"
        answer=$(control "$2" "$3") || die "vcsim's control socket does not answer"
        echo "$answer"
        case "$answer" in error*) exit 1 ;; esac ;;
    events) cat "$V/events" 2>/dev/null || true ;;
    endpoint) endpoint ;;
    down)
        if ip netns list | grep -qw "$VC_NS"; then
            for p in $(ip netns pids "$VC_NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
            for _ in $(seq 1 50); do [ -z "$(ip netns pids "$VC_NS" 2>/dev/null)" ] && break; sleep 0.1; done
            ip netns del "$VC_NS" 2>/dev/null || true
        fi
        for n in node1 node2; do
            [ -d "$LAB/$n/etc" ] || continue
            rm -f "$LAB/$n/etc/org.duplex.failover.fence-vc.cfg" "$LAB/$n/etc/org.duplex.plugin.vmware.cfg"
            [ -x "$LAB/fence.sh" ] && printf 'type = exec\ncommand = %s\nnodes = node1,node2\ntimeout = 10s\n' \
                "$LAB/fence.sh" >"$LAB/$n/etc/org.duplex.failover.fence-switch.cfg"
        done
        rm -rf "$V"
        ;;
    *) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
