package org.duplex.heartbeat.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.duplex.api.liveness.PeerEvent;
import org.duplex.api.liveness.PeerLivenessListener;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.DetectorClock;
import org.duplex.heartbeat.frame.ClusterKey;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.node.HeartbeatNode;
import org.duplex.heartbeat.node.LinkFactory;
import org.duplex.heartbeat.node.NodeSettings;
import org.duplex.heartbeat.status.LocalStatusSampler;

/**
 * Benchmarks of the heartbeat on loopback UDP with default timing (interval 200 ms, dead time 600 ms):
 * <ol>
 * <li>detection latency: a peer stops, at a random phase of its send interval; time until the observer publishes
 * DEAD (50 trials);</li>
 * <li>overhead: one measured node heartbeating with 31 peers (all in this JVM); CPU time of the measured node's
 * threads over a window, as a share of one core, and its allocation rate and retained heap.</li>
 * </ol>
 * Run it with scripts/bench/heartbeat.sh [latency|overhead|all] [trials] [window-seconds].
 */
public final class HeartbeatBench {

    static final String LOOP = "127.0.0.1";
    static long receiveBatch = LinkConfig.DEFAULT_RECEIVE_BATCH_MS;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path dir = Files.createTempDirectory("duplex-hb-bench");
        Path key = dir.resolve("cluster.key");
        ClusterKey.generate(key, false, new SecureRandom());
        List<String[]> rows = new ArrayList<>();
        if (mode.equals("all") || mode.equals("latency")) {
            rows.addAll(latency(key, trials));
        }
        if (mode.equals("all") || mode.equals("overhead")) {
            for (String batch : System.getProperty("bench.batch", "20").split(",")) {
                rows.addAll(overhead(key, window, Long.parseLong(batch.trim())));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-52s %s%n", "Measure", "Result");
        System.out.printf(Locale.ROOT, "%-52s %s%n", "-".repeat(52), "-".repeat(36));
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-52s %s%n", r[0], r[1]);
        }
        System.out.printf(Locale.ROOT, "%n(java %s, %d CPUs, %s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"));
    }

    static HeartbeatNode node(String id, Path key, PeerLivenessListener l, Duration initialDead, String... peers) {
        NodeSettings s = new NodeSettings(NodeId.of(id), "bench", key, initialDead,
                Arrays.stream(peers).map(NodeId::of).collect(Collectors.toSet()), System.currentTimeMillis(),
                List.of(Path.of("/")), Duration.ofMillis(50));
        LocalStatusSampler sampler = new LocalStatusSampler(s.watchedPaths());
        return new HeartbeatNode(s, DetectorClock.SYSTEM, l, sampler::sample, LinkFactory.DEFAULT);
    }

    static Map<String, Object> udp(String name, int port, String peers) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", name);
        m.put("type", "udp");
        m.put("local.address", LOOP);
        m.put("port", port);
        m.put("peers", peers);
        m.put("receive.batch.ms", receiveBatch);
        return m;
    }

    static List<String[]> latency(Path key, int trials) throws Exception {
        BlockingQueue<long[]> deaths = new ArrayBlockingQueue<>(16);
        BlockingQueue<Long> alive = new ArrayBlockingQueue<>(16);
        PeerLivenessListener observer = new PeerLivenessListener() {
            @Override
            public void peerChanged(PeerEvent e) {
                if (e.liveness() == Liveness.DEAD) {
                    deaths.add(new long[] {System.nanoTime()});
                } else if (e.liveness() == Liveness.ALIVE) {
                    alive.add(System.nanoTime());
                }
            }
        };
        int pa = 17460;
        int pb = 17461;
        Random random = new Random(42);
        long[] ms = new long[trials];
        PeerLivenessListener quiet = e -> {
        };
        try (HeartbeatNode a = node("observer", key, observer, Duration.ofSeconds(2), "peer")) {
            a.addLink(LinkConfig.parse(udp("udp0", pa, "peer=" + LOOP + ":" + pb)));
            for (int i = 0; i < trials; i++) {
                HeartbeatNode b = node("peer", key, quiet, Duration.ofSeconds(2), "observer");
                b.addLink(LinkConfig.parse(udp("udp0", pb, "observer=" + LOOP + ":" + pa)));
                if (alive.poll(10, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("peer never became alive in trial " + i);
                }
                Thread.sleep(400 + random.nextInt(200)); // stop at a random phase of the 200 ms interval
                long stop = System.nanoTime();
                b.close();
                long[] dead = deaths.poll(10, TimeUnit.SECONDS);
                if (dead == null) {
                    throw new IllegalStateException("peer never declared dead in trial " + i);
                }
                ms[i] = TimeUnit.NANOSECONDS.toMillis(dead[0] - stop);
                System.err.printf(Locale.ROOT, "trial %2d: dead after %d ms%n", i + 1, ms[i]);
            }
        }
        Arrays.sort(ms);
        long median = ms[trials / 2];
        org.duplex.heartbeat.detect.LinkTiming timing = LinkConfig.parse(udp("udp0", pa, "peer=" + LOOP + ":" + pb))
                .timing(); // the defaults the trials ran with
        long p95 = ms[Math.min(trials - 1, (int) Math.ceil(trials * 0.95) - 1)];
        return List.of(
                new String[] {"Detection latency, " + trials + " trials, UDP, interval " + timing.interval().toMillis()
                        + " ms / dead " + timing.dead().toMillis() + " ms", ""},
                new String[] {"  median (goal <= dead time + 1 interval = "
                        + timing.dead().plus(timing.interval()).toMillis() + " ms)", median + " ms"},
                new String[] {"  p95", p95 + " ms"},
                new String[] {"  max", ms[trials - 1] + " ms"},
                new String[] {"  min", ms[0] + " ms"});
    }

    static List<String[]> overhead(Path key, int windowSeconds, long batch) throws Exception {
        receiveBatch = batch;
        int peers = 31;
        int base = 17500;
        PeerLivenessListener quiet = e -> {
        };
        long heapEmpty = usedHeapAfterGc();
        List<HeartbeatNode> others = new ArrayList<>();
        StringBuilder mPeers = new StringBuilder();
        String[] ids = new String[peers];
        for (int i = 0; i < peers; i++) {
            ids[i] = "peer" + i;
            mPeers.append(i == 0 ? "" : ",").append(ids[i]).append('=').append(LOOP).append(':').append(base + 1 + i);
        }
        for (int i = 0; i < peers; i++) {
            HeartbeatNode n = node(ids[i], key, quiet, Duration.ofSeconds(2), "measured");
            n.addLink(LinkConfig.parse(udp("udp0", base + 1 + i, "measured=" + LOOP + ":" + base)));
            others.add(n);
        }
        Thread.sleep(3000);
        HeartbeatNode m = node("measured", key, quiet, Duration.ofSeconds(2), ids);
        m.addLink(LinkConfig.parse(udp("m-udp", base, mPeers.toString())));
        // Warm-up: at 155 frames/s the JIT needs tens of seconds to compile the receive path.
        Thread.sleep(Long.getLong("bench.warmup.ms", 30_000));
        long alive = m.peers().stream().filter(p -> p.liveness() == Liveness.ALIVE).count();
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] tids = measuredThreads(tmx);
        long cpu0 = cpu(tmx, tids);
        long alloc0 = alloc(tmx, tids);
        long processCpu0 = processCpu();
        long received0 = m.stats().stream().mapToLong(s -> s.received()).sum();
        long t0 = System.nanoTime();
        Thread.sleep(windowSeconds * 1000L);
        long wall = System.nanoTime() - t0;
        for (long id : tids) {
            System.err.printf(Locale.ROOT, "  batch %d ms, thread %-32s %8.2f ms CPU, %8.2f ms user (since start)%n", batch,
                    tmx.getThreadInfo(id).getThreadName(), tmx.getThreadCpuTime(id) / 1e6,
                    tmx.getThreadUserTime(id) / 1e6);
        }
        long cpu = cpu(tmx, tids) - cpu0;
        long alloc = alloc(tmx, tids) - alloc0;
        long processCpu = processCpu() - processCpu0;
        long received = m.stats().stream().mapToLong(s -> s.received()).sum() - received0;
        long lost = m.stats().stream().mapToLong(s -> s.lost()).sum();
        long heapAfter = usedHeapAfterGc();
        m.close();
        others.forEach(HeartbeatNode::close);
        double cpuPct = 100.0 * cpu / wall;
        return List.of(
                new String[] {"Overhead, 1 node <-> " + peers + " peers, UDP, 200 ms, receive.batch.ms=" + batch, ""},
                new String[] {"  peers alive at the measured node", alive + " / " + peers},
                new String[] {"  measured node threads", tids.length + ""},
                new String[] {"  CPU of measured node (goal < 1 % of a core)",
                        String.format(Locale.ROOT, "%.3f %% of one core", cpuPct)},
                new String[] {"  frames sent + received per second",
                        String.format(Locale.ROOT, "%.0f + %.0f", peers * 5.0, received * 1e9 / wall)},
                new String[] {"  CPU per frame (send or receive)",
                        String.format(Locale.ROOT, "%.1f us", cpu / 1000.0 / (wall / 1e9 * peers * 5 * 2))},
                new String[] {"  allocation rate of measured node",
                        String.format(Locale.ROOT, "%.0f KB/s", alloc / 1024.0 / (wall / 1e9))},
                new String[] {"  heap per node (32 nodes running, after GC)",
                        String.format(Locale.ROOT, "%.0f KB", (heapAfter - heapEmpty) / 1024.0 / (peers + 1))},
                new String[] {"  frames lost at the measured node", lost + ""},
                new String[] {"  whole JVM CPU (32 nodes)", String.format(Locale.ROOT, "%.2f %% of one core",
                        100.0 * processCpu / wall)});
    }

    static long[] measuredThreads(java.lang.management.ThreadMXBean tmx) {
        List<Long> ids = new ArrayList<>();
        for (ThreadInfo ti : tmx.getThreadInfo(tmx.getAllThreadIds())) {
            if (ti != null && (ti.getThreadName().endsWith("-measured") || ti.getThreadName().endsWith("-m-udp"))) {
                ids.add(ti.getThreadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    static long cpu(java.lang.management.ThreadMXBean tmx, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, tmx.getThreadCpuTime(id));
        }
        return sum;
    }

    static long alloc(com.sun.management.ThreadMXBean tmx, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, tmx.getThreadAllocatedBytes(id));
        }
        return sum;
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
