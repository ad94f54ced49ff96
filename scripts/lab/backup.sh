#!/usr/bin/env bash
# Backups in the two-node lab (issue 19): the backup plug-in on both nodes, two backup jobs in group `web`, and a
# remote site: an OpenSSH server in a namespace of its own, plugged into the lab's public LAN, reached over SFTP
# with a key. Run after `two-node.sh up`.
#
#   data     $LAB/backup/data: the group's data (both lab nodes see this host's filesystem, as two hosts see a
#            shared disk; the same stand-in samba.sh uses)
#   local    $LAB/backup/repo-local: job bk-local, a repository on storage both nodes see, schedule every minute
#            (`* * * * *`), so each minute's slot shows where it ran
#   remote   sftp:root@10.77.1.9:$LAB/backup/site/repo: job bk-remote, the site's namespace ${P}bk (eth0
#            10.77.1.9 on the LAN bridge), sshd on port 22 with a host key and a client key generated here; the
#            nodes' ssh checks the host key against $LAB/backup/known_hosts; schedule nightly (`0 3 * * *`), upload
#            limited to 2 MiB/s (limit-upload=2048) so a backup of a few MiB lasts long enough to cut it
#   password $LAB/backup/restic.pw (0600), the same file for both repositories; both jobs have init=true
#   nodes    each node's etc/org.duplex.plugin.backup.cfg (written before the plug-in is installed, which keeps an
#            existing file) names the node as the snapshots' host (the lab's nodes share one host name)
#
#   backup.sh up                   the site and its sshd, the plug-in on both nodes, the jobs in group web
#   backup.sh kill-sshd            SIGKILL every process of the site (the listening sshd and the sessions serving
#                                  restic): the remote site is gone
#   backup.sh start-sshd           start the site's sshd again (waits until it accepts connections)
#   backup.sh restic local|remote ARGS...   restic on a job's repository with the lab's password: the local one
#                                  from this host, the remote one over SFTP from the lab's client namespace
#   backup.sh down                 stop the site, delete its namespace and the lab's backup files
#
# Env: as two-node.sh (DUPLEX_LAB_PREFIX, DUPLEX_LAB_DIR). Root only; needs restic and openssh-server
# (scripts/install-deps.sh).
set -euo pipefail
P=${DUPLEX_LAB_PREFIX:-dxl-}
LAB=${DUPLEX_LAB_DIR:-/var/tmp/duplex-lab}
SITE_NS=${P}bk
SITE_IP=10.77.1.9
B=$LAB/backup
SSH_OPTS="-i $B/client_ed25519 -o UserKnownHostsFile=$B/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o ServerAliveInterval=2 -o ServerAliveCountMax=2 -o LogLevel=ERROR"
SFTP_COMMAND="ssh $SSH_OPTS root@$SITE_IP -s sftp"
REMOTE_REPO="sftp:root@$SITE_IP:$B/site/repo"
die() { echo "backup: $*" >&2; exit 1; }
ns_of() { case "$1" in node1) echo "${P}n1" ;; node2) echo "${P}n2" ;; client) echo "${P}cl" ;; *) die "unknown node '$1'" ;; esac; }
client() { local n=$1; shift; ip netns exec "$(ns_of "$n")" "$LAB/$n/bin/client" "$@" </dev/null; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"

site_up() {
    command -v restic >/dev/null || die "restic missing: run scripts/install-deps.sh"
    [ -x /usr/sbin/sshd ] || die "sshd missing (openssh-server): run scripts/install-deps.sh"
    ip netns list | grep -qw "${P}sw" || die "no lab: run two-node.sh up first"
    mkdir -p "$B/site" "$B/data"
    rm -f "$B/hostkey" "$B/hostkey.pub" "$B/client_ed25519" "$B/client_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C "duplex-lab-site" -f "$B/hostkey"
    ssh-keygen -q -t ed25519 -N '' -C "duplex-lab-nodes" -f "$B/client_ed25519"
    cp "$B/client_ed25519.pub" "$B/site/authorized_keys"
    echo "$SITE_IP $(cut -d' ' -f1,2 "$B/hostkey.pub")" >"$B/known_hosts"
    cat >"$B/site/sshd_config" <<EOF
# the lab's remote backup site (scripts/lab/backup.sh): SFTP only, key only
Port 22
ListenAddress $SITE_IP
HostKey $B/hostkey
AuthorizedKeysFile $B/site/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $B/site/sshd.pid
Subsystem sftp internal-sftp
ForceCommand internal-sftp
EOF
    install -m 600 /dev/null "$B/restic.pw" && echo "duplex-lab-backup-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$B/restic.pw"
    DUPLEX_LAB_PREFIX=$P DUPLEX_LAB_DIR=$LAB bash "$(dirname "$0")/two-node.sh" attach "$SITE_NS" "$SITE_IP" bk-lan
    start_sshd
}

start_sshd() {
    mkdir -p /run/sshd
    rm -f "$B/site/sshd.pid"
    ip netns exec "$SITE_NS" /usr/sbin/sshd -f "$B/site/sshd_config" -E "$B/site/sshd.log"
    for _ in $(seq 1 100); do
        # from the client namespace (a node may be down); the sftp subsystem ends at once on an empty stdin
        ip netns exec "$(ns_of client)" ssh $SSH_OPTS root@"$SITE_IP" -s sftp </dev/null >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "the site's sshd does not accept the lab's key (see $B/site/sshd.log)"
}

kill_site() {
    ip netns list | grep -qw "$SITE_NS" || return 0
    for p in $(ip netns pids "$SITE_NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    for _ in $(seq 1 50); do [ -z "$(ip netns pids "$SITE_NS" 2>/dev/null)" ] && return 0; sleep 0.1; done
    die "processes of the site still there: $(ip netns pids "$SITE_NS" | tr '\n' ' ')"
}

jobs_up() {
    for n in node1 node2; do
        printf '# the lab nodes share one host name: name the node in its snapshots (scripts/lab/backup.sh)\nhost = %s\n' \
            "$n" >"$LAB/$n/etc/org.duplex.plugin.backup.cfg"
    done
    local out
    out=$(client node1 "ha:plugin-install duplex-plugin-backup" 2>&1) || true
    case "$out" in *"Installed on 2 of 2 nodes"*) ;; *) die "duplex-plugin-backup did not install on both nodes: $out" ;; esac
    for n in node1 node2; do
        for i in $(seq 1 120); do
            client "$n" "ha:backup-list" >/dev/null 2>&1 &&
                [[ "$(client "$n" "config:property-list -p org.duplex.plugin.backup" 2>/dev/null)" == *"host = $n"* ]] && break
            [ "$i" = 120 ] && die "$n: the backup plug-in does not answer with its configuration (host = $n)"
            sleep 0.5
        done
    done
    client node1 "ha:resource-add -f bk-local backup paths=$B/data repository=$B/repo-local password-file=$B/restic.pw \"schedule=* * * * *\" init=true backup-timeout=5m monitor-interval=5s" >/dev/null
    client node1 "ha:resource-add -f bk-remote backup paths=$B/data repository=$REMOTE_REPO password-file=$B/restic.pw \"schedule=0 3 * * *\" init=true backup-timeout=5m limit-upload=2048 \"sftp-command=$SFTP_COMMAND\" monitor-interval=5s" >/dev/null
    client node1 "ha:group-add -f web resources=vip,app,bk-local,bk-remote nodes=node1,node2 failback=manual" >/dev/null
}

case "${1:-}" in
    up)
        ip netns list | grep -qw "$SITE_NS" && { kill_site; ip netns del "$SITE_NS"; }
        site_up
        jobs_up
        echo "backup: site sshd at $SITE_IP; jobs bk-local ($B/repo-local) and bk-remote ($REMOTE_REPO) in group web"
        ;;
    kill-sshd) kill_site ;;
    start-sshd) kill_site; start_sshd ;;
    restic)
        shift; where=${1:-}; shift || true
        case "$where" in
            local) RESTIC_PASSWORD_FILE=$B/restic.pw restic --no-cache -r "$B/repo-local" "$@" ;;
            remote) RESTIC_PASSWORD_FILE=$B/restic.pw ip netns exec "$(ns_of client)" restic --no-cache \
                        -r "$REMOTE_REPO" -o "sftp.command=$SFTP_COMMAND" "$@" ;;
            *) die "usage: restic local|remote ARGS..." ;;
        esac ;;
    down)
        kill_site
        ip netns del "$SITE_NS" 2>/dev/null || true
        rm -rf "$B"
        for n in node1 node2; do rm -f "$LAB/$n/etc/org.duplex.plugin.backup.cfg"; done
        ;;
    *) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
