#!/usr/bin/env bash
# The Duplex demo. As root: a two-node hot-standby cluster with a virtual IP and a sample web page, each node and
# a client in its own network namespace (scripts/lab/two-node.sh); then it tells you how to watch and break it.
# Without root (no namespaces), or with `single`: one node on this host.
#   scripts/demo.sh          build if needed, start the two-node cluster (or one node without root)
#   scripts/demo.sh single   one node in target/demo/node1
#   scripts/demo.sh stop     stop whatever the demo started
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
demo="$top/target/demo"
node="$demo/node1"
lab="$top/scripts/lab/two-node.sh"

if [ "${1:-}" = "stop" ]; then
  [ "$(id -u)" -eq 0 ] && "$lab" down
  [ -x "$node/bin/stop" ] && "$node/bin/stop" 2>/dev/null && echo "demo node stopped"
  exit 0
fi

scripts/install-deps.sh
dist=$(ls karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$dist" ] || [ -n "$(find bundles plugins features karaf-assembly/src -newer "$dist" -type f -print -quit)" ]; then
  echo "Building Duplex (about 2 minutes the first time)..."
  mvn -B -ntp -q install -DskipTests
  dist=$(ls karaf-assembly/target/duplex-karaf-assembly-*.tar.gz | head -1)
fi

if [ "${1:-}" != "single" ] && [ "$(id -u)" -eq 0 ]; then
  echo "Starting two Duplex nodes and a client in network namespaces (about 2 minutes)..."
  "$lab" up "$dist"
  cat <<MSG

Two-node Duplex cluster running (hot standby, group "web" = VIP 10.77.1.50 + a web page, active on node1).
  which node serves:  $lab served        (or: ip netns exec dxl-cl python3 scripts/lab/probe.py --once 10.77.1.50 8080)
  watch the cluster:  watch -n1 $lab client node2 ha:status
  a console:          $lab console node1                 (ha:group-show web, ha:history web, ha:simulate --fail node1)
  kill node1:         $lab kill node1                    (links down + SIGKILL: node2 fences it and takes web over in about 1 s)
  bring it back:      $lab start node1                   (failback=manual: web stays on node2)
  planned move:       $lab client node1 "ha:switchover web node1"   (on the coordinator ha:status names)
  cut the network heartbeat only:  $lab cut node1        (serial link still up: no failover; heal with: heal node1)
  record outages:     $lab probe start /tmp/p.txt ... $lab probe stop; cat /tmp/p.txt
  logs:               /var/tmp/duplex-lab/node1/data/log/karaf.log
  stop it all:        scripts/demo.sh stop
MSG
  exit 0
fi
[ "$(id -u)" -eq 0 ] || echo "Not root: no network namespaces, so the demo starts ONE node (the two-node demo needs root)."

if [ -x "$node/bin/status" ] && "$node/bin/status" >/dev/null 2>&1; then
  echo "The demo node is already running in $node"
else
  rm -rf "$node"
  mkdir -p "$demo"
  tar xzf "$dist" -C "$demo"
  mv "$demo"/duplex-karaf-assembly-* "$node"
  "$node/bin/start"
fi

printf 'Waiting for the node to answer'
for _ in $(seq 1 90); do
  if "$node/bin/client" ha:version </dev/null >/dev/null 2>&1; then
    echo
    "$node/bin/client" ha:version </dev/null
    cat <<MSG

Duplex node running in $node
  console:        $node/bin/client            (user admin, password in $node/etc/users.properties)
  one command:    $node/bin/client ha:version
  try a plug-in:  $node/bin/client "ha:plugin-install duplex-plugin-ping" && $node/bin/client "ha:monitor-check ping host=127.0.0.1"
  log:            $node/data/log/karaf.log
  stop:           scripts/demo.sh stop
MSG
    exit 0
  fi
  printf '.'
  sleep 1
done
echo
echo "The node did not answer within 90 s; see $node/data/log/karaf.log" >&2
exit 1
