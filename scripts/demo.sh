#!/usr/bin/env bash
# Builds Duplex (if needed) and starts one node from the distribution, then tells you how to reach its console.
#   scripts/demo.sh          build, unpack into target/demo/node1, start
#   scripts/demo.sh stop     stop the demo node
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
demo="$top/target/demo"
node="$demo/node1"

if [ "${1:-}" = "stop" ]; then
  [ -x "$node/bin/stop" ] && "$node/bin/stop" && echo "demo node stopped"
  exit 0
fi

scripts/install-deps.sh
dist=$(ls karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$dist" ] || [ -n "$(find bundles plugins features karaf-assembly/src -newer "$dist" -type f -print -quit)" ]; then
  echo "Building Duplex (about 2 minutes the first time)..."
  mvn -B -ntp -q install -DskipTests
  dist=$(ls karaf-assembly/target/duplex-karaf-assembly-*.tar.gz | head -1)
fi

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
  try a plug-in:  $node/bin/client "feature:install duplex-plugin-ping" && $node/bin/client "ha:monitor-check ping host=127.0.0.1"
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
