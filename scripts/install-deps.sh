#!/usr/bin/env bash
# Installs the Debian packages that Duplex's tests and demo use on this machine. Idempotent: packages already
# present are skipped, so a second run costs a second. Needs root (CI runs as root); without root it lists
# what is missing and the tests that need those tools skip themselves with a loud reason.
set -euo pipefail

# One package per line, with what needs it. Add new ones here, never by hand on a machine.
PACKAGES=(
  openjdk-17-jdk-headless   # build
  maven                     # build
  socat                     # heartbeat: serial link tests over a pseudo-terminal pair
  unzip                     # upgrades: bin/duplex-upgrade reads the offline KAR; UpgradeLabIT
  patch                     # upgrade tests: scripts/upgrade/make-next.sh applies next-protocol.patch
  iproute2                  # network namespaces, veth, bridge for multi-node tests; VIP agent
  iputils-ping              # ping plug-in checks and namespace smoke tests
  iputils-arping            # VIP agent: gratuitous ARP
  ndisc6                    # VIP agent: IPv6 unsolicited neighbour advertisement
  procps                    # process agent: pgrep / kill in tests
  psmisc                    # filesystem agent: fuser to kill users on unmount
  e2fsprogs                 # filesystem agent and os plug-in tests: mkfs.ext4 for loop-mounted images
  qemu-utils                # mirror: qemu-io / qemu-img NBD clients
  libnbd-bin                # mirror: nbdinfo / nbdcopy NBD clients
  nbdkit                    # mirror benchmark: reference NBD server
  fio                       # mirror benchmark and I/O tests (nbd engine)
  python3                   # two-node lab: the client probe
  perl-base                 # two-node lab: the sample web service (starts in ~30 ms)
  keepalived                # failover benchmark: the comparison rows (never started by the tests)
  nftables                  # lab: packet loss on the nodes' links (this kernel has no netem), soak test
  qemu-system-common        # mirror benchmark: qemu-storage-daemon, QEMU's synchronous mirror as a comparison row
  gnuplot-nox               # benchmarks: scripts/bench/all.sh draws its charts (SVG) with gnuplot
  ipmitool                  # failover: the ipmi fencing device's client (IPMI v2.0 lanplus, as fence_ipmilan)
  openipmi                  # failover tests and lab: ipmi_sim, a simulated BMC whose power control runs a script
  samba                     # samba share agent: a real smbd per lab node
  smbclient                 # samba share tests: the client that checks each user's access through the VIP
  acl                       # samba share tests: setfacl/getfacl for POSIX ACLs on the shared directory
  postgresql-15             # postgresql plug-in tests: initdb, pg_ctl, pg_basebackup, the server (started by the tests only)
  mariadb-server            # mariadb plug-in tests: mariadbd, mariadb-install-db (the Debian service is never started; the tests start their own servers)
  mariadb-client            # mariadb plug-in: mariadb-dump and mariadb (replication seeding, backups), mariadb-binlog (a stopped copy's GTID position); lab test: the client that commits through the VIP
  restic                    # backup plug-in: the backup engine (0.14 in Debian 12), driven with --json
  openssh-server            # backup plug-in tests: the remote site (sshd in a network namespace, SFTP with a key)
  chromium                  # web console tests: the browser ConsoleIT drives (headless)
  chromium-driver           # web console tests: /usr/bin/chromedriver, which Selenium talks to
  fonts-wqy-microhei        # web console tests: a CJK font, so the Chinese screenshots show characters, not boxes
  golang-go                 # vmware plug-in tests: builds VMware's vSphere simulator (vcsim) from source, offline
  golang-github-vmware-govmomi-dev  # vmware plug-in tests: govmomi's simulator package (vcsim) as Go source, built by the tests
  libiscsi-bin              # mirror iSCSI target tests: iscsi-inq, iscsi-readcapacity16, iscsi-test-cu (libiscsi's conformance suite), all user space
  qemu-block-extra          # mirror iSCSI tests: QEMU's iscsi:// driver (qemu-io / qemu-img through libiscsi, with header digests on)
  tgt                       # mirror iSCSI benchmark/conformance: tgtd, Debian's userspace target, the comparison column (never started as a service)
  prometheus                # metrics tests: promtool check metrics, Prometheus' own parser and linter of GET /api/v1/metrics (the server is never started)
)

missing=()
for entry in "${PACKAGES[@]}"; do
  pkg=${entry%% *}
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: NOT ROOT - cannot install: ${missing[*]}" >&2
  echo "install-deps: tests that need these tools will be SKIPPED (they print why)." >&2
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
