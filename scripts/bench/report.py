#!/usr/bin/env python3
"""Turns one scripts/bench/all.sh run directory into results.md and charts.

The only place that parses the benchmarks' output. all.sh leaves, per benchmark NAME, NAME.out (its stdout: the
tables), NAME.err (its stderr: per-trial lines, logs) and NAME.status ("rc seconds" or "skipped REASON"), plus
run.env (machine, date, commit, parameters). This writes:
  results.md                        machine, date, commit, every table, the charts' links
  data/*.dat                        the numbers each chart is drawn from
  charts.gp and *.svg               gnuplot script and its SVG output (gnuplot-nox from scripts/install-deps.sh)
Usage: scripts/bench/report.py RUN_DIR
"""
import os
import re
import shutil
import statistics
import subprocess
import sys

RUN = sys.argv[1]
DATA = os.path.join(RUN, "data")
os.makedirs(DATA, exist_ok=True)


def read(name, ext):
    p = os.path.join(RUN, name + "." + ext)
    return open(p, errors="replace").read() if os.path.exists(p) else ""


def env():
    e = {}
    for line in read("run", "env").splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            e[k] = v
    return e


# ---- parsers: one per benchmark output ------------------------------------------------------------------------

def heartbeat_trials():
    """per-trial detection latencies (ms), from HeartbeatBench's stderr lines 'trial  N: dead after X ms'"""
    return [int(m) for m in re.findall(r"^trial\s+\d+: dead after (\d+) ms", read("heartbeat", "err"), re.M)]


def cluster_rows():
    """[(kind 'real'|'simulated', nodes, median, max, trials)] from cluster.sh's table"""
    rows = []
    for line in read("cluster", "out").splitlines():
        m = re.match(r"^real (\d+) nodes\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            rows.append(("real", int(m[1]), int(m[2]), int(m[3]), int(m[4])))
        m = re.match(r"^simulated (\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            size = re.search(r"(\d+)$", m[1])
            nodes = int(size[1]) if size else {"TWO_NODE_DISK": 2, "WITNESS": 3}.get(m[1], 0)
            rows.append(("simulated", nodes, int(m[2]), int(m[3]), int(m[4])))
    return rows


def failover_trials():
    """{row: [outage ms or None for a failed trial]} from failover.sh's per-trial progress lines"""
    rows, system = {}, None
    for line in read("failover", "out").splitlines():
        if line.startswith("== Duplex"):
            system = "duplex"
        elif line.startswith("== keepalived"):
            system = "keepalived"
        m = re.match(r"^\s+(unplanned|planned)\s+#\d+ .*: (\d+|fail) ms$", line)
        if m and system:
            rows.setdefault(system + "-" + m[1], []).append(None if m[2] == "fail" else int(m[2]))
    return rows


def mirror_rows():
    """[(label, seq MiB/s, 4k randwrite IOPS, 4k randread IOPS)] for the targets of mirror.sh's first table"""
    rows = []
    for line in read("mirror", "out").splitlines():
        m = re.match(r"^\((a|b|b'|c|d)\) (.*?)\s+([\d.]+|-)\s+([\d.]+|-)\s+([\d.]+|-)\s*$", line)
        if m and m[3] != "-":
            label = {"a": "Duplex unreplicated", "b": "Duplex replicated", "b'": "Duplex replicated, durable ack",
                     "c": "nbdkit file", "d": "QEMU sync mirror"}[m[1]]
            rows.append((label, float(m[3]), float(m[4]), float(m[5])))
    return rows


# ---- data files and gnuplot -----------------------------------------------------------------------------------

charts = []  # (file, title)
gp = ['set terminal svg size 900,520 dynamic enhanced font "sans,12" background "white"',
      'set grid ytics lc "#dddddd"', 'set key top left']


def dat(name, lines):
    with open(os.path.join(DATA, name), "w") as f:
        f.write("\n".join(lines) + "\n")
    return "data/" + name


hb = heartbeat_trials()
if hb:
    dat("heartbeat-latency.dat", [str(v) for v in hb])
    width = 10 if max(hb) - min(hb) > 30 else 2
    gp += ['set output "heartbeat-latency.svg"',
           'set title "Heartbeat: node stop to DEAD, %d trials (UDP, interval 200 ms, dead 600 ms)"' % len(hb),
           'set xlabel "detection latency (ms)"', 'set ylabel "trials"', 'set style fill solid 0.6',
           'set boxwidth %d' % (width * 0.9), 'unset key', 'set yrange [0:*]', 'set xrange [*:*]',
           'bin(x) = %d * floor(x / %d) + %g' % (width, width, width / 2.0),
           'set offsets %d, %d, 1, 0' % (width, width),
           'plot "data/heartbeat-latency.dat" using (bin($1)):(1) smooth frequency with boxes lc "#3366aa"',
           'set offsets 0, 0, 0, 0', 'set key top left', 'unset style']
    charts.append(("heartbeat-latency.svg", "Heartbeat detection latency histogram"))

cl = cluster_rows()
real = sorted((r for r in cl if r[0] == "real"), key=lambda r: r[1])
sim = sorted((r for r in cl if r[0] == "simulated"), key=lambda r: r[1])
if real or sim:
    dat("cluster-real.dat", ["%d %d %d" % (r[1], r[2], r[3]) for r in real] or ["# none"])
    dat("cluster-sim.dat", ["%d %d %d" % (r[1], r[2], r[3]) for r in sim] or ["# none"])
    gp += ['set output "cluster-membership.svg"',
           'set title "Membership: coordinator killed to new quorate view with a coordinator"',
           'set xlabel "cluster size (nodes; 2 = two_node with a disk lease)"', 'set ylabel "ms"', 'set logscale x 2',
           'set key top right', 'set xrange [1.5:40]',
           'set yrange [0:*]', 'set xtics (2, 3, 5, 8, 16, 32)',
           'plot "data/cluster-real.dat" using 1:2 with linespoints lw 2 pt 7 title "real JVMs, median", '
           '"data/cluster-real.dat" using 1:3 with points pt 6 ps 1.5 title "real JVMs, max", '
           '"data/cluster-sim.dat" using 1:2 with linespoints lw 2 pt 5 dt 2 title "simulated, median", '
           '"data/cluster-sim.dat" using 1:3 with points pt 4 ps 1.5 title "simulated, max"',
           'unset logscale x', 'set xrange [*:*]', 'set xtics autofreq', 'set key top left']
    charts.append(("cluster-membership.svg", "Membership time against cluster size"))

fo = failover_trials()
for kind in ("unplanned", "planned"):
    cols = [(k, fo[k]) for k in ("duplex-" + kind, "keepalived-" + kind) if k in fo]
    if not cols:
        continue
    series = []
    for i, (k, vals) in enumerate(cols, 1):
        ok = [v for v in vals if v is not None]
        f = dat("failover-%s.dat" % k, ["%d %d" % (i, v) for v in ok] or ["# none"])
        series.append((i, k, f, len(ok)))
    xt = ", ".join('"%s (%d)" %d' % (k.split("-")[0], n, i) for i, k, _, n in series)
    plots = []
    for i, k, f, n in series:
        if n:
            plots.append('"%s" using (%d):2 with boxplot lc "%s" notitle' % (f, i, "#3366aa" if i == 1 else "#aa5533"))
            plots.append('"%s" using ($1 + (rand(0) - 0.5) * 0.25):2 with points pt 7 ps 0.6 lc "black" notitle' % f)
    gp += ['set output "failover-%s.svg"' % kind,
           'set title "Failover, %s: client-observed outage per trial (trials in brackets)"' % kind,
           'set style data boxplot', 'set style boxplot nooutliers', 'set boxwidth 0.4', 'set style fill solid 0.3',
           'set xrange [0.4:%g]' % (len(series) + 0.6), 'set yrange [0:*]', 'set xtics (%s)' % xt,
           'set xlabel ""', 'set ylabel "outage (ms)"', 'unset key',
           'plot ' + ", ".join(plots) if plots else 'plot 0 notitle',
           'set xtics autofreq', 'set xrange [*:*]', 'set key top left', 'unset style']
    charts.append(("failover-%s.svg" % kind, "Failover outage distribution, %s (Duplex vs keepalived)" % kind))

mi = mirror_rows()
if mi:
    dat("mirror.dat", ['"%s" %s %s %s' % (r[0], r[1], r[2], r[3]) for r in mi])
    gp += ['set terminal svg size 1200,480 dynamic enhanced font "sans,11" background "white"',
           'set output "mirror-throughput.svg"', 'set multiplot layout 1,3 title "Mirror over NBD (fio nbd engine)"',
           'set style data histogram', 'set style fill solid 0.7', 'set boxwidth 0.8', 'unset key',
           'set xtics rotate by -30 scale 0', 'set yrange [0:*]', 'set xlabel ""', 'set ylabel ""']
    for col, label in ((2, "sequential write, 1 MiB (MiB/s)"), (3, "4k random write (IOPS)"),
                       (4, "4k random read (IOPS)")):
        gp += ['set title "%s"' % label,
               'plot "data/mirror.dat" using %d:xtic(1) lc "#3366aa"' % col]
    gp += ['unset multiplot', 'unset style', 'set xtics norotate',
           'set terminal svg size 900,520 dynamic enhanced font "sans,12" background "white"']
    charts.append(("mirror-throughput.svg", "Mirror throughput against nbdkit and QEMU's synchronous mirror"))

chart_note = ""
if charts:
    with open(os.path.join(RUN, "charts.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")
    if shutil.which("gnuplot"):
        r = subprocess.run(["gnuplot", "charts.gp"], cwd=RUN, capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.exit("report: gnuplot failed on %s/charts.gp" % RUN)
    else:
        chart_note = "gnuplot is not installed (scripts/install-deps.sh installs gnuplot-nox): charts not drawn.\n"

# ---- results.md -----------------------------------------------------------------------------------------------

e = env()
order = e.get("BENCHES", "").split()
out = ["# Duplex benchmark run %s" % e.get("RUN_ID", os.path.basename(RUN)), "",
       "| | |", "|---|---|",
       "| date | %s |" % e.get("DATE", "?"),
       "| commit | %s |" % e.get("COMMIT", "?"),
       "| machine | %s |" % e.get("MACHINE", "?"),
       "| CPU | %s |" % e.get("CPU", "?"),
       "| load before | %s |" % e.get("LOAD", "?"),
       "| mode | %s |" % e.get("MODE", "?"),
       "| command | `%s` |" % e.get("COMMAND", "?"), ""]
if charts:
    out += ["## Charts", ""] + ["- [%s](%s)" % (t, f) for f, t in charts] + [""]
if chart_note:
    out += [chart_note]
failed = []
for name in order:
    st = read(name, "status").strip()
    args = e.get("ARGS_" + name.replace("-", "_"), "")
    out += ["## %s" % name, ""]
    if st.startswith("skipped"):
        out += ["SKIPPED: %s" % st[len("skipped"):].strip(), ""]
        continue
    rc, secs = (st.split() + ["?", "?"])[:2]
    out += ["`scripts/bench/%s.sh %s` exit %s, %s s" % (name, args, rc, secs), ""]
    if rc != "0":
        failed.append(name)
        out += ["FAILED; last lines of its stderr:", "", "```"] + read(name, "err").splitlines()[-15:] + ["```", ""]
    body = [l for l in read(name, "out").splitlines()]
    out += ["```"] + body + ["```", ""]
with open(os.path.join(RUN, "results.md"), "w") as f:
    f.write("\n".join(out) + "\n")
print("report: %s/results.md, %d charts%s" % (RUN, len(charts) if not chart_note else 0,
                                               ("; FAILED: " + " ".join(failed)) if failed else ""))
