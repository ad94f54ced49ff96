#!/usr/bin/env bash
# Runs every Duplex test: unit tests, property tests, real-process and namespace tests, and the Pax Exam suite
# against the distribution built in the same run. Installs the Debian packages the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec mvn -B -ntp verify "$@"
