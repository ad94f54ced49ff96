package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.duplex.itests.node.DistributionNode;
import org.duplex.itests.node.DistributionNode.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 13's data loss replayed the way an operator meets it: two unpacked distributions on this host (loopback,
 * their own ports), a two-node cluster, the {@code duplex-mirror} feature and a replicated volume set up with
 * {@code bin/client}, acknowledged writes from a real NBD client ({@code qemu-io}), then the reported sequence:
 * {@code ha:mirror-demote} on the primary n2 (both legs secondary, same generation), SIGKILL of n1's JVM, one
 * acknowledged block zeroed in n1's backing file (the page cache n1 never flushed), {@code bin/start} of n1. The
 * lost block must come back from n2, never the other way round: the resync runs n2 -> n1, the pattern reads back
 * over NBD after n2 is promoted again and from both backing files, and {@code ha:mirror-verify} finds nothing.
 * The same round runs again without the zeroing, with the writer busy up to the demote and on an idle volume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorOperatorIT {

    private static final String VOLUME = "vol0";
    private static final long MIB = 1024 * 1024;
    private static final long SIZE = 64 * MIB;
    /** Bytes each round writes (one 1 MiB qemu-io write, repeated), in its own 4 MiB activity-log extent. */
    private static final long LENGTH = MIB;

    private Path work;
    private final Map<String, DistributionNode> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> nbdPorts = new LinkedHashMap<>();
    private final Map<String, Path> backing = new LinkedHashMap<>();
    /** Offset -> pattern byte of every region a round wrote and got acknowledged. */
    private final Map<Long, Integer> written = new LinkedHashMap<>();
    private int round;

    @BeforeAll
    void twoNodesWithAMirroredVolume() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/qemu-io")),
                "SKIPPED: MirrorOperatorIT needs qemu-io (Debian qemu-utils, installed by scripts/install-deps.sh)");
        work = Paths.get(DuplexContainer.required("duplex.workDir"), "mirror-operator");
        DistributionNode.deleteTree(work);
        Path assembly = Paths.get(DuplexContainer.required("duplex.assembly"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        List<String> ids = List.of("n1", "n2");
        Map<String, Integer> clusterPorts = new LinkedHashMap<>();
        Map<String, Integer> replicationPorts = new LinkedHashMap<>();
        for (String id : ids) {
            clusterPorts.put(id, DuplexContainer.freePortWithNeighbour(100));
            replicationPorts.put(id, DuplexContainer.freePortWithNeighbour(1)); // + 1: the fencing path
            nbdPorts.put(id, DuplexContainer.freePort());
            backing.put(id, work.resolve(id + ".img"));
        }
        // Two-node mode needs a tiebreaker in every view: a disk lease, here a file both nodes share (as the lab's).
        Path lease = work.resolve("lease.img");
        Files.createDirectories(work);
        try (RandomAccessFile f = new RandomAccessFile(lease.toFile(), "rw")) {
            f.setLength(MIB);
        }
        String members = "n1@127.0.0.1:" + clusterPorts.get("n1") + ", n2@127.0.0.1:" + clusterPorts.get("n2");
        for (String id : ids) {
            DistributionNode node = DistributionNode.unpack(assembly, work.resolve(id));
            node.ports(DuplexContainer.freePort(), DuplexContainer.freePort(), DuplexContainer.freePort());
            // README "Configuring a real two-node cluster": one key on both, the same cluster file but node.id.
            Path keyFile = node.home().resolve("etc/duplex-cluster.key");
            Files.write(keyFile, key);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            node.setProperty("etc/org.duplex.cluster.cfg", "node.id", id)
                    .setProperty("etc/org.duplex.cluster.cfg", "cluster.name", "mirror-op")
                    .setProperty("etc/org.duplex.cluster.cfg", "members", members)
                    .setProperty("etc/org.duplex.cluster.cfg", "two_node", "true")
                    .setProperty("etc/org.duplex.cluster.cfg", "wait_for_all", "true")
                    .setProperty("etc/org.duplex.cluster.cfg", "tiebreaker.type", "disk")
                    .setProperty("etc/org.duplex.cluster.cfg", "tiebreaker.disk.path", lease.toString())
                    .setProperty("etc/org.duplex.heartbeat.cfg", "node.id", id)
                    .setProperty("etc/org.duplex.heartbeat.cfg", "cluster.name", "mirror-op");
            nodes.put(id, node);
        }
        for (DistributionNode node : nodes.values()) {
            assertThat(node.start().exitCode()).isZero();
        }
        for (String id : ids) {
            DistributionNode node = nodes.get(id);
            String peer = id.equals("n1") ? "n2" : "n1";
            clientOk(node, "feature:install duplex-mirror", Duration.ofMinutes(2));
            // options before the volume name: Karaf stops parsing options at the first argument
            clientOk(node, "ha:mirror-create --size " + SIZE / MIB + "M --backing " + backing.get(id)
                    + " --local 127.0.0.1:" + replicationPorts.get(id) + " --peer 127.0.0.1:"
                    + replicationPorts.get(peer) + " --nbd-port " + nbdPorts.get(id) + " " + VOLUME,
                    Duration.ofMinutes(1));
        }
        for (String id : ids) {
            awaitStatus(id, "volume " + VOLUME + " configured on " + id, s -> s.contains("role=SECONDARY"));
        }
        String[] cluster = {""};
        try {
            await("n2 sees both nodes and quorum").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> (cluster[0] = client(nodes.get("n2"), "ha:status")).contains("Quorum:      yes"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no quorum on n2; last ha:status:\n" + cluster[0], e);
        }
        // The first promotion of a new volume fully syncs it to the peer.
        clientOk(nodes.get("n2"), "ha:mirror-promote " + VOLUME, Duration.ofSeconds(30));
        awaitInSync("n2 primary, initial sync done", "role=PRIMARY");
    }

    @AfterAll
    void stopBothNodesAndDeleteEverything() throws Exception {
        try {
            for (DistributionNode node : nodes.values()) {
                try {
                    if (node.isRunning()) {
                        node.run(Duration.ofSeconds(30), "bin/stop");
                    }
                } finally {
                    node.kill(); // whatever bin/stop did or did not: no JVM outlives the test
                }
            }
        } finally {
            if (work != null) {
                // keep the nodes' logs (small) for a failure's diagnosis; the homes and images go
                Path logs = work.resolveSibling("mirror-operator-logs");
                DistributionNode.deleteTree(logs);
                Files.createDirectories(logs);
                for (Map.Entry<String, DistributionNode> e : nodes.entrySet()) {
                    if (Files.exists(log(e.getValue()))) {
                        Files.copy(log(e.getValue()), logs.resolve(e.getKey() + "-karaf.log"));
                    }
                }
                DistributionNode.deleteTree(work);
            }
        }
    }

    @Test
    @Order(1)
    void anAcknowledgedBlockLostOnTheKilledSecondaryComesBackFromTheUpToDateLeg() throws Exception {
        replayTheReportedSequence(true, false);
    }

    @Test
    @Order(2)
    void withoutTheLostBlockTheDirectionIsStillN2ToN1() throws Exception {
        replayTheReportedSequence(false, false);
        replayTheReportedSequence(false, false);
    }

    @Test
    @Order(3)
    void anIdleVolumeComesBackWithNothingToResyncAndNoReversedDirection() throws Exception {
        replayTheReportedSequence(false, true);
    }

    @Test
    @Order(4)
    void bothJvmsAreIdleAfterwards() throws Exception {
        Map<String, Long> ticks0 = new LinkedHashMap<>();
        for (Map.Entry<String, DistributionNode> e : nodes.entrySet()) {
            ticks0.put(e.getKey(), cpuTicks(e.getValue().pid()));
        }
        long t0 = System.nanoTime();
        Thread.sleep(5000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Map.Entry<String, DistributionNode> e : nodes.entrySet()) {
            long pid = e.getValue().pid();
            double cores = (cpuTicks(pid) - ticks0.get(e.getKey())) / 100.0 / seconds;
            long rssKib = rssKib(pid);
            System.out.printf("%s JVM (pid %d): %.1f %% of a core over 5 s idle, RSS %d MiB%n", e.getKey(), pid,
                    cores * 100, rssKib / 1024);
            assertThat(cores).as(e.getKey() + "'s JVM CPU while idle (cores)").isLessThan(0.25);
            assertThat(rssKib / 1024).as(e.getKey() + "'s JVM RSS (MiB)").isLessThan(512);
        }
    }

    /**
     * What a machine restart leaves of a leg's in-flight log: a record of another boot, not trusted at the next
     * start. Rewrites the boot id in its header (an int length at byte 20, the ASCII id from byte 24).
     */
    private static void simulateMachineRestart(Path inFlightLog) throws java.io.IOException {
        byte[] b = Files.readAllBytes(inFlightLog);
        int n = java.nio.ByteBuffer.wrap(b).getInt(20);
        assertThat(n).as("boot id length in %s", inFlightLog).isBetween(0, 40);
        for (int i = 0; i < n; i++) {
            b[24 + i] = b[24 + i] == '0' ? (byte) '1' : (byte) '0';
        }
        Files.write(inFlightLog, b);
    }

    /**
     * One round of the report, starting with n2 primary and both legs in sync, ending the same way.
     *
     * @param loseBlock zero one acknowledged 64 KiB block in n1's backing file while n1 is down
     * @param idle      let the volume go idle (activity logs retired) before the demote instead of writing up to it
     */
    private void replayTheReportedSequence(boolean loseBlock, boolean idle) throws Exception {
        round++;
        DistributionNode n1 = nodes.get("n1");
        DistributionNode n2 = nodes.get("n2");
        long offset = round * 8 * MIB + 512 * 1024; // its own activity-log extent, not aligned to it
        int pattern = 0xa0 + round;

        // Acknowledged writes on the primary n2, through its NBD export.
        Writer writer = new Writer(nbdPorts.get("n2"), offset, pattern);
        writer.start();
        await("round " + round + ": a write acknowledged").atMost(Duration.ofSeconds(30))
                .until(() -> writer.acknowledged.get() > 0 || writer.failure != null);
        // n1's generation ids, read while writes flow (after the demote n1 is killed at once, see below)
        String n1Status = status(n1);
        assertThat(n1Status).as("n1 before the demote").contains("role=SECONDARY", "disk=UP_TO_DATE/UP_TO_DATE");
        if (idle) {
            writer.stopAndJoin();
            Thread.sleep(6000); // activity-log extents retire 4 s after the last write (+ a 500 ms tick)
        }
        // ha:mirror-demote on n2: both legs secondary with identical generation ids.
        Result demote;
        try {
            writer.demoteSent = true;
            demote = n2.client("ha:mirror-demote " + VOLUME);
        } finally {
            writer.stopAndJoin();
        }
        // SIGKILL n1's JVM right after the demote: its activity log still holds the extent it was receiving
        // writes into (extents retire 4 s after their last write), as in the report (used after a restart).
        long pid = n1.pid();
        n1.kill();
        assertThat(demote.exitCode()).as("ha:mirror-demote: " + demote.output()).isZero();
        assertThat(writer.failure).as("a write refused before the demote; n2 said:\n" + status(n2)).isNull();
        assertThat(writer.acknowledged.get()).isPositive();
        written.put(offset, pattern);
        await("n1's JVM gone").atMost(Duration.ofSeconds(20)).until(() -> !new File("/proc/" + pid).exists());
        String n2Status = status(n2);
        assertThat(n2Status).as("n2 after the demote").contains("role=SECONDARY", "disk=UP_TO_DATE/");
        // current:bitmap:history1:history2 - one current generation and no bitmap generation on either leg (the
        // history differs: n1 came from a full initial sync, n2 was its source)
        String[] gi1 = generationIds(n1Status).split(":");
        String[] gi2 = generationIds(n2Status).split(":");
        assertThat(gi1[0]).as("current generation ids after the demote").isEqualTo(gi2[0]);
        assertThat(List.of(gi1[1], gi2[1])).as("bitmap generation ids").containsOnly("0000000000000000");

        if (!idle) {
            // The report's n1 had lost what its page cache held, which only a machine restart does (a SIGKILL
            // leaves the page cache, and a leg killed on the same boot with no write in flight resyncs nothing):
            // n1's in-flight log gets another boot id, as after a restart, so its forced activity log decides.
            simulateMachineRestart(n1.home().resolve("data/mirror/" + VOLUME + "/in-flight-log"));
        }
        if (loseBlock) {
            // The page cache n1 never flushed: one acknowledged 64 KiB block reads as zeros in n1's file.
            long lost = offset + 256 * 1024;
            Result dd = n1.run(Duration.ofSeconds(30), "dd", "if=/dev/zero", "of=" + backing.get("n1"), "bs=64K",
                    "count=1", "seek=" + (lost / (64 * 1024)), "conv=notrunc");
            assertThat(dd.exitCode()).as(dd.output()).isZero();
            assertThat(read(backing.get("n1"), lost, 64 * 1024)).as("the zeroed block in n1's file")
                    .containsOnly((byte) 0);
        }
        long n1Log = logSize(n1);
        long n2Log = logSize(n2);

        // bin/start n1 and let it reconnect and resync.
        assertThat(n1.start().exitCode()).isZero();
        await("round " + round + ": n1 back and connected").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> logSince(n1, n1Log).contains("Mirror volume " + VOLUME + ": connected to"));
        awaitStatus("n2", "round " + round + ": the resync over", s -> s.contains("connection=CONNECTED")
                && s.contains("dirty=0 bytes"));
        String n1Says = logSince(n1, n1Log);
        String n2Says = logSince(n2, n2Log);
        System.out.printf("round %d (lose block %s, idle %s, %d writes acknowledged)%n  n1: %s%n  n2: %s%n", round,
                loseBlock, idle, writer.acknowledged.get(), mirrorLines(n1Says), mirrorLines(n2Says));

        // Every acknowledged pattern is still on n2 (the data loss of the report: n1's zeros copied over it).
        assertPatterns("n2", n1Says, n2Says);
        // The direction: n2 -> n1, never the other way round.
        assertThat(n1Says).as("n1's log never makes n1 the sync source")
                .doesNotContain("this node is newer").doesNotContain("full sync to the peer");
        assertThat(n2Says).as("n2's log never makes n2 the sync target")
                .doesNotContain("peer is newer").doesNotContain("full sync from the peer");
        if (!idle) {
            assertThat(n1Says).as("n1's log: it came back Outdated, as in the report")
                    .contains("the leg is OUTDATED until it resyncs from the primary");
            assertThat(n2Says).as("n2's log: the resync runs n2 -> n1")
                    .contains("this node is newer: resync of dirty regions to the peer");
            assertThat(n1Says).as("n1's log: the resync runs n2 -> n1")
                    .contains("peer is newer: resync of dirty regions from the peer");
        } else {
            assertThat(n1Says).as("n1's log: an idle leg comes back UpToDate")
                    .doesNotContain("the leg is OUTDATED until it resyncs");
        }
        awaitInSync("round " + round + ": both legs UpToDate", "role=SECONDARY");
        assertThat(logSince(n1, n1Log)).as("n1's log: the resync from n2 completed")
                .contains(idle ? "legs agree: no resync needed"
                        : "resync from the peer finished; this leg is up to date");

        assertPatterns("n1", logSince(n1, n1Log), logSince(n2, n2Log));

        // ha:mirror-verify: no differences.
        String verify = clientOk(n2, "ha:mirror-verify " + VOLUME, Duration.ofMinutes(1));
        assertThat(verify).as("ha:mirror-verify").containsPattern("\\d+ regions compared, 0 differ");

        // Promote n2 again: the application reads its acknowledged data over NBD.
        clientOk(n2, "ha:mirror-promote " + VOLUME, Duration.ofSeconds(30));
        awaitStatus("n2", "round " + round + ": n2 primary again", s -> s.contains("role=PRIMARY") && inSync(s));
        for (Map.Entry<Long, Integer> w : written.entrySet()) {
            Result r = qemuIo(nbdPorts.get("n2"),
                    String.format("read -P 0x%x %d %d", w.getValue(), w.getKey(), LENGTH));
            assertThat(r.output()).as("qemu-io read -P of the acknowledged pattern at " + w.getKey())
                    .contains("read " + LENGTH + "/" + LENGTH + " bytes").doesNotContain("Pattern verification failed");
        }
    }

    private void assertPatterns(String id, String n1Says, String n2Says) throws Exception {
        for (Map.Entry<Long, Integer> w : written.entrySet()) {
            byte[] data = read(backing.get(id), w.getKey(), (int) LENGTH);
            assertThat(countNot(data, (byte) (int) w.getValue()))
                    .as("round %d: bytes of the acknowledged pattern 0x%x at %d that differ in %s's backing file "
                            + "after n1's return; mirror log lines:%n  n1: %s%n  n2: %s", round, w.getValue(),
                            w.getKey(), id, mirrorLines(n1Says), mirrorLines(n2Says)).isZero();
        }
    }

    /** Rewrites one pattern at one offset over NBD in a loop: every acknowledged write leaves the same bytes. */
    private static final class Writer extends Thread {
        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        volatile String failure;
        /** Once the demote is on its way a refused write is expected (and not counted). */
        volatile boolean demoteSent;
        private final String command;
        private final int port;

        Writer(int port, long offset, int pattern) {
            super("qemu-io-writer");
            setDaemon(true);
            this.port = port;
            this.command = String.format("write -P 0x%x %d %d", pattern, offset, LENGTH);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    Result r = qemuIo(port, command);
                    if (r.output().contains("wrote " + LENGTH + "/" + LENGTH + " bytes")) {
                        acknowledged.incrementAndGet();
                    } else if (demoteSent || stop.get()) {
                        return;
                    } else {
                        failure = r.output() + " (after " + acknowledged.get() + " acknowledged writes)";
                        return;
                    }
                }
            } catch (Exception e) {
                failure = e.toString();
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    private static Result qemuIo(int port, String command) throws Exception {
        Path out = Files.createTempFile("mirror-op-qemu-io", ".out");
        try {
            Process p = new ProcessBuilder("qemu-io", "-f", "raw", "-c", command,
                    "nbd://127.0.0.1:" + port + "/" + VOLUME).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("qemu-io " + command + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Waits until both legs report themselves connected, UpToDate on both sides, nothing dirty. */
    private void awaitInSync(String what, String n2Role) {
        awaitStatus("n2", what, s -> s.contains(n2Role) && inSync(s));
        awaitStatus("n1", what, s -> s.contains("role=SECONDARY") && inSync(s));
    }

    private static boolean inSync(String status) {
        return status.contains("connection=CONNECTED") && status.contains("disk=UP_TO_DATE/UP_TO_DATE")
                && status.contains("dirty=0 bytes");
    }

    private void awaitStatus(String id, String what, Predicate<String> ok) {
        String[] last = {""};
        try {
            await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                last[0] = status(nodes.get(id));
                return ok.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; last ha:mirror-status on " + id + " was:\n" + last[0]
                    + "\nits mirror log lines:\n" + mirrorLines(logSince(nodes.get(id), 0)), e);
        }
    }

    private static String status(DistributionNode node) throws Exception {
        return client(node, "ha:mirror-status " + VOLUME);
    }

    private static String client(DistributionNode node, String command) throws Exception {
        Result r = node.client(command);
        return r.exitCode() == 0 ? r.output() : "";
    }

    /** Runs a console command, retried until it succeeds (the node and its commands need a moment at start). */
    private static String clientOk(DistributionNode node, String command, Duration within) {
        Result[] last = {null};
        try {
            await(command).atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = node.client(command);
                return last[0].exitCode() == 0 && !last[0].output().contains("Command not found");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(command + " kept failing: " + (last[0] == null ? "" : last[0].output()), e);
        }
        return last[0].output();
    }

    private static String generationIds(String status) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation ids=(.*)").matcher(status);
        return m.find() ? m.group(1).trim() : "(none in: " + status + ")";
    }

    private static Path log(DistributionNode node) {
        return node.home().resolve("data/log/karaf.log");
    }

    private static long logSize(DistributionNode node) throws Exception {
        return Files.exists(log(node)) ? Files.size(log(node)) : 0;
    }

    private static String logSince(DistributionNode node, long offset) {
        try {
            byte[] all = Files.readAllBytes(log(node));
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    private static String mirrorLines(String log) {
        List<String> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains("Mirror volume " + VOLUME)) {
                out.add(line.replaceFirst("^.*?Mirror volume", "Mirror volume"));
            }
        }
        return String.join("\n      ", out);
    }

    private static byte[] read(Path file, long offset, int length) throws Exception {
        byte[] b = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            f.readFully(b);
        }
        return b;
    }

    private static long countNot(byte[] data, byte expected) {
        long n = 0;
        for (byte b : data) {
            if (b != expected) {
                n++;
            }
        }
        return n;
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, fields 14 and 15
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
