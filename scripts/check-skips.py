#!/usr/bin/env python3
"""Lists every test that skipped itself, from the Surefire and Failsafe XML reports of the whole tree.

A test that needs root or a tool skips itself with a loud reason on a developer's machine. On CI (CI=true, as
root, where scripts/install-deps.sh has installed every tool) such a skip means a test silently did not run, so
there it fails the build. Opt-in benchmarks (skip reason starting with "benchmark:") are not tests and are allowed.

Usage: scripts/check-skips.py [ROOT]   exit 1 when CI=true, running as root, and a test skipped for another reason.
"""
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
skips, opt_in = [], []
for report in sorted(root.glob("**/target/*-reports/TEST-*.xml")):
    try:
        suite = ET.parse(report).getroot()
    except ET.ParseError as e:
        print(f"check-skips: cannot read {report}: {e}", file=sys.stderr)
        continue
    for case in suite.iter("testcase"):
        for skipped in case.findall("skipped"):
            reason = (skipped.get("message") or skipped.text or "no reason given").strip().splitlines()[0]
            where = f"{case.get('classname')}.{case.get('name')} ({report.parent.parent.parent.name})"
            (opt_in if reason.startswith("benchmark:") else skips).append(f"{where}: {reason}")

for s in opt_in:
    print(f"check-skips: opt-in benchmark not run: {s}")
for s in skips:
    print(f"check-skips: SKIPPED TEST: {s}")
strict = os.environ.get("CI") == "true" and os.geteuid() == 0
if skips and strict:
    print(f"check-skips: {len(skips)} test(s) skipped on CI as root, where every tool and privilege is there: "
          "a test that cannot run here is a failure (fix the install step or the test)", file=sys.stderr)
    sys.exit(1)
print(f"check-skips: {len(skips)} skipped test(s), {len(opt_in)} opt-in benchmark(s) not run"
      + ("" if strict else " (not enforced: enforced only with CI=true as root)"))
