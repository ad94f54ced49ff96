#!/usr/bin/env python3
"""Client probe of the two-node lab: asks the service at HOST:PORT every 10 ms which node serves it.

  probe.py HOST PORT FILE    run until SIGTERM/SIGINT, then write to FILE one line per change of answer
                             ("<ms since start> <answer>", answer = node name or "none"), one line per outage
                             "outage <start_ms> <end_ms> <duration_ms> <before> <after>" and "samples <n> ok <n>"
  probe.py --once HOST PORT  print the answer once ("none" when nothing answers) and exit

A new request starts every 10 ms whatever the earlier ones are doing (each in its own thread, 1.5 s timeout), so a
request stuck on a lost SYN does not blind the probe; one answered only after 800 ms (its SYN was retransmitted)
counts as unanswered, so it cannot end an outage it sat through. Requests are ordered by their start time; an outage runs
from the start of the last answered request before a gap to the start of the first answered one after it, so its
resolution is the 10 ms interval.
"""
import signal
import socket
import sys
import threading
import time

INTERVAL = 0.010
TIMEOUT = 1.5
# An answer slower than this came through a retransmitted SYN (the first goes out again after 1 s): the client
# was kept waiting through the outage, so it does not end the outage at the moment it was sent.
SLOW_MS = 800


def ask(host, port):
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as s:
            s.settimeout(TIMEOUT)
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            # the answer is complete at the end of its "served by NODE" line: no need to wait for the close
            while not (b"served by " in data and data.endswith(b"\n")):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        text = data.decode("utf-8", "replace")
        marker = "served by "
        i = text.find(marker)
        return text[i + len(marker):].split()[0] if i >= 0 else "none"
    except OSError:
        return "none"


def main():
    if sys.argv[1] == "--once":
        print(ask(sys.argv[2], int(sys.argv[3])))
        return
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    results, lock, threads = [], threading.Lock(), []
    t0 = time.monotonic()

    def one(start_ms):
        t = time.monotonic()
        who = ask(host, port)
        if (time.monotonic() - t) * 1000 > SLOW_MS and who != "none":
            who = "none"
        with lock:
            results.append((start_ms, who))

    # the first answer is taken synchronously so that "probe started" means "the probe sees the service"
    first = ask(host, port)
    results.append((0.0, first))
    with open(path, "w") as f:
        f.write("started %s\n" % first)
    next_at = time.monotonic() + INTERVAL
    while not stop:
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        start_ms = (time.monotonic() - t0) * 1000
        t = threading.Thread(target=one, args=(start_ms,), daemon=True)
        t.start()
        threads.append(t)
        threads = [x for x in threads if x.is_alive()]
        next_at += INTERVAL
        if next_at < time.monotonic():
            next_at = time.monotonic()
    for t in threads:
        t.join(TIMEOUT + 1)
    results.sort()
    lines, outages = [], []
    last, last_ok_at, last_ok_who, gap_start, ok = None, None, None, None, 0
    for ms, who in results:
        if who != last:
            lines.append("%d %s" % (ms, who))
            last = who
        if who == "none":
            if gap_start is None and last_ok_at is not None:
                gap_start = last_ok_at
        else:
            ok += 1
            if gap_start is not None:
                outages.append((gap_start, ms, ms - gap_start, last_ok_who, who))
                gap_start = None
            last_ok_at, last_ok_who = ms, who
    if gap_start is not None:
        outages.append((gap_start, -1, -1, last_ok_who, "none"))
    with open(path, "a") as f:
        for line in lines:
            f.write(line + "\n")
        for o in outages:
            f.write("outage %d %d %d %s %s\n" % o)
        f.write("samples %d ok %d\n" % (len(results), ok))


if __name__ == "__main__":
    main()
