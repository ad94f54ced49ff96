#!/usr/bin/env bash
# Runs every Duplex test: unit tests, property tests, real-process and namespace tests, and the Pax Exam suite
# against the distribution built in the same run. Installs the Debian packages the tests need first. Afterwards it
# lists every test that skipped itself; on CI (CI=true, as root) such a skip fails the run (scripts/check-skips.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -ntp verify "$@"
python3 scripts/check-skips.py
