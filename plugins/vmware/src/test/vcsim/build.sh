#!/usr/bin/env bash
# Builds vcsim (src/test/vcsim/main.go against Debian's golang-github-vmware-govmomi-dev) offline into $1
# (default target/vcsim/vcsim). Needs Debian's golang-go and golang-github-vmware-govmomi-dev
# (scripts/install-deps.sh); nothing is downloaded: GOPATH mode over /usr/share/gocode, GOPROXY=off.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../../target/vcsim/vcsim}
mkdir -p "$(dirname "$out")"
src=/usr/share/gocode/src/github.com/vmware/govmomi/simulator
command -v go >/dev/null || { echo "vcsim build: 'go' not found (Debian package golang-go; scripts/install-deps.sh)" >&2; exit 3; }
[ -d "$src" ] || { echo "vcsim build: $src missing (Debian package golang-github-vmware-govmomi-dev; scripts/install-deps.sh)" >&2; exit 3; }
if [ -x "$out" ] && [ "$out" -nt "$here/main.go" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi
export GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local
export GOCACHE=${GOCACHE:-$(dirname "$out")/gocache}
cd "$here"
go build -o "$out.tmp" main.go
mv "$out.tmp" "$out"
