#!/usr/bin/env bash
# Samba shares on a real smbd in the two-node lab (issue 21): each node runs its own smbd (its own smb.conf,
# state, lock and password database under the lab directory), the group `web` gets a `samba` share resource, and
# the client namespace checks each user's access through the VIP with smbclient.
#
#   users    dxsmb-a (read and write), dxsmb-b (read only), dxsmb-c (denied): the same Unix users and ids on both
#            nodes (here one machine's /etc/passwd; on two hosts: the same uid/gid from LDAP/SSSD or useradd -u),
#            each added to both nodes' Samba password database with the same password
#   data     $LAB/share/files: the group's shared storage stand-in (both lab nodes see this host's filesystem),
#            owned by dxsmb-a, POSIX ACL u:dxsmb-b:r-x (and as default ACL, so new files inherit it)
#
#   samba.sh up                     users, data directory, both smbd, the share resource in group web
#   samba.sh start-smbd NODE        (re)start NODE's smbd (after `two-node.sh kill NODE`, before `start NODE`: a
#                                   node whose smbd is down fails the share's start and gets banned for it)
#   samba.sh kill-smbd NODE         SIGKILL NODE's smbd (the share's monitor notices, the group moves)
#   samba.sh smb USER COMMAND...    smbclient from the client namespace to //VIP/files as USER, running the
#                                   smbclient command string (e.g. "ls", "get a.txt -")
#   samba.sh getfacl FILE           the POSIX ACL of FILE in the share's directory
#   samba.sh down                   stop both smbd, delete the users and the lab's samba files
#
# Env: as two-node.sh (DUPLEX_LAB_PREFIX, DUPLEX_LAB_DIR). Root only; needs samba and smbclient (install-deps.sh).
set -euo pipefail
P=${DUPLEX_LAB_PREFIX:-dxl-}
LAB=${DUPLEX_LAB_DIR:-/var/tmp/duplex-lab}
HERE=$(cd "$(dirname "$0")" && pwd)
VIP=10.77.1.50
USERS=(dxsmb-a dxsmb-b dxsmb-c)
SHARE_DIR="$LAB/share/files"
die() { echo "samba: $*" >&2; exit 1; }
ns_of() { case "$1" in node1) echo "${P}n1" ;; node2) echo "${P}n2" ;; client) echo "${P}cl" ;; *) die "unknown node '$1'" ;; esac; }
password_of() { echo "Lab-${1#dxsmb-}-pass-7"; }
sdir() { echo "$LAB/$1-samba"; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, users)"
command -v smbd >/dev/null || die "smbd missing: run scripts/install-deps.sh"

write_conf() { # NODE: its smb.conf, state directories and the include file Duplex's samba agent manages
    local node=$1 d
    d=$(sdir "$node")
    mkdir -p "$d"/{lock,state,cache,pid,private,ncalrpc,log}
    chmod 0700 "$d/private"
    cat >"$d/smb.conf" <<EOF
# $node's smbd in the Duplex lab (scripts/lab/samba.sh). The shares come from Duplex's samba agent.
[global]
   server role = standalone server
   workgroup = DUPLEXLAB
   netbios name = DUPLEX-$node
   disable netbios = yes
   smb ports = 445
   map to guest = never
   load printers = no
   printing = bsd
   printcap name = /dev/null
   disable spoolss = yes
   lock directory = $d/lock
   state directory = $d/state
   cache directory = $d/cache
   pid directory = $d/pid
   private dir = $d/private
   ncalrpc dir = $d/ncalrpc
   passdb backend = tdbsam:$d/private/passdb.tdb
   log file = $d/log/smbd.log
   max log size = 1000
   include = $d/duplex-shares.conf
EOF
    [ -f "$d/duplex-shares.conf" ] || : >"$d/duplex-shares.conf"
    # Duplex's samba agent on this node: its include file and how it makes this smbd reload
    cat >"$LAB/$node/etc/org.duplex.failover.agent.samba.cfg" <<EOF
include.file = $d/duplex-shares.conf
reload.command = smbcontrol -s $d/smb.conf smbd reload-config
check.command = smbcontrol -s $d/smb.conf smbd ping
EOF
}

start_smbd() { # NODE
    local node=$1 d ns pid
    d=$(sdir "$node"); ns=$(ns_of "$node")
    if [ -f "$d/pid/smbd.pid" ]; then
        pid=$(cat "$d/pid/smbd.pid")
        kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$d/pid/smbd.pid"
    ip netns exec "$ns" smbd -D -s "$d/smb.conf"
    for _ in $(seq 1 100); do
        [ -s "$d/pid/smbd.pid" ] && ip netns exec "$ns" smbcontrol -s "$d/smb.conf" smbd ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "$node's smbd did not start (see $d/log/smbd.log)"
}

users_up() {
    local u
    for u in "${USERS[@]}"; do
        id "$u" >/dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin "$u"
    done
    mkdir -p "$SHARE_DIR"
    chmod 0755 "$LAB/share"
    chown dxsmb-a:dxsmb-a "$SHARE_DIR"
    chmod 0750 "$SHARE_DIR"
    setfacl -m u:dxsmb-b:rx -m d:u:dxsmb-a:rwx -m d:u:dxsmb-b:rx -m d:g::--- -m d:o::--- "$SHARE_DIR"
}

passdb_up() { # NODE: the same users and passwords in this node's Samba database
    local node=$1 d u
    d=$(sdir "$node")
    for u in "${USERS[@]}"; do
        printf '%s\n%s\n' "$(password_of "$u")" "$(password_of "$u")" |
            ip netns exec "$(ns_of "$node")" smbpasswd -c "$d/smb.conf" -s -a "$u" >/dev/null
    done
}

case "${1:-}" in
    up)
        users_up
        for n in node1 node2; do write_conf "$n"; passdb_up "$n"; start_smbd "$n"; done
        c() { ip netns exec "$(ns_of node1)" "$LAB/node1/bin/client" "$@" </dev/null; }
        # fileinstall (etc/ polled every second) hands each node's agent its include file: wait until both have it
        for n in node1 node2; do
            want="$(sdir "$n")/duplex-shares.conf"
            for i in $(seq 1 60); do
                ip netns exec "$(ns_of $n)" "$LAB/$n/bin/client" \
                    "config:property-list -p org.duplex.failover.agent.samba" </dev/null 2>/dev/null |
                    grep -q "include.file = $want" && break
                [ "$i" = 60 ] && { echo "samba: $n's agent never got its configuration (etc/org.duplex.failover.agent.samba.cfg)" >&2; exit 1; }
                sleep 0.5
            done
        done
        c "ha:resource-add -f files samba path=$SHARE_DIR share=files valid-users=dxsmb-a,dxsmb-b write-list=dxsmb-a read-only=yes create-mask=0640 directory-mask=0750 inherit-acls=yes monitor-interval=2s" >/dev/null
        c "ha:group-add -f web resources=vip,app,files nodes=node1,node2 failback=manual" >/dev/null
        echo "samba: both smbd up; share //$VIP/files in group web (users ${USERS[*]})"
        ;;
    start-smbd) start_smbd "$2" ;;
    getfacl) getfacl -p "$SHARE_DIR/$2" ;;
    kill-smbd) d=$(sdir "$2"); [ -f "$d/pid/smbd.pid" ] && kill -KILL "$(cat "$d/pid/smbd.pid")" ;;
    smb)
        u=$2; shift 2
        ip netns exec "$(ns_of client)" smbclient "//$VIP/files" -U "$u%$(password_of "$u")" -m SMB3 -t 5 -c "$*"
        ;;
    down)
        for n in node1 node2; do
            d=$(sdir "$n")
            [ -f "$d/pid/smbd.pid" ] && kill "$(cat "$d/pid/smbd.pid")" 2>/dev/null || true
            pkill -f "smbd -D -s $d/smb.conf" 2>/dev/null || true
            rm -rf "$d" "$LAB/$n/etc/org.duplex.failover.agent.samba.cfg"
        done
        rm -rf "$LAB/share"
        for u in "${USERS[@]}"; do id "$u" >/dev/null 2>&1 && userdel "$u" 2>/dev/null || true; done
        ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
