#!/usr/bin/env bash
# Runs every Duplex test: unit tests, property tests, real-process and namespace tests, and the Pax Exam suite
# against the distribution built in the same run. Installs the Debian packages the tests need first. Afterwards it
# lists every test that skipped itself; on CI (CI=true, as root) such a skip fails the run (scripts/check-skips.py).
# Last, every benchmark runs with tiny parameters (scripts/bench/all.sh --tiny).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -ntp verify "$@"
python3 scripts/check-skips.py
# Every benchmark once with tiny parameters (one trial, one second per job) on what the build above left in
# target/, so none of them can rot; a failing benchmark fails the run (as root on CI, a skipped one too).
# The full measurement run stays a manual command: scripts/bench/all.sh (README, Benchmarks).
scripts/bench/all.sh --tiny --no-build --out bench-results/tiny
