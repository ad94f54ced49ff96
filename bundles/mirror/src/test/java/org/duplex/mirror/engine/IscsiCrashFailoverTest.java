package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.duplex.mirror.iscsi.IscsiServer;
import org.duplex.mirror.iscsi.IscsiServerConfig;
import org.duplex.mirror.iscsi.IscsiTarget;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.testutil.MiniIscsiInitiator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data integrity across a real primary crash, over iSCSI: the primary and its iSCSI target run in a forked JVM
 * ({@code MirrorNode --iscsi}), four initiator sessions write a known pattern with WRITE(10) (1 in 8 with FUA) and log
 * every write the target answered GOOD, the primary is SIGKILLed mid-stream, the secondary is promoted, and every
 * acknowledged write must be read back through the promoted leg's own iSCSI target — which refused logins until the
 * promotion (before the writes, and after the kill). Iterations: -Dmirror.iscsi.crash.iterations (default 5).
 */
class IscsiCrashFailoverTest {
    static final long SIZE = 4L << 20;
    static final int BLOCK = 4096;
    static final int WRITERS = 4;
    static final int ITERATIONS = Integer.getInteger("mirror.iscsi.crash.iterations", 5);
    static final String IQN = "iqn.2026-12.org.duplex:vol";

    @TempDir
    Path dir;

    record Log(Map<Integer, Long> acked, Map<Integer, long[]> inFlight, List<String> problems) {
    }

    @Test
    void everyAcknowledgedIscsiWriteIsOnThePromotedLegWhichRefusedLoginsBefore() throws Exception {
        long total = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            total += iteration(i);
        }
        System.out.println("iSCSI crash test: " + ITERATIONS + " iterations, " + total
                + " blocks with acknowledged writes checked through the promoted leg's target, 0 lost");
        assertThat(total).isGreaterThan(ITERATIONS);
    }

    static byte[] cdb10(int op, long lba, int blocks, int flags) {
        return new byte[] {(byte) op, (byte) flags, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8),
            (byte) lba, 0, (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    private long iteration(int i) throws Exception {
        Path d = Files.createDirectories(dir.resolve("it" + i));
        int portA = MirrorPair.freePort();
        int portB = MirrorPair.freePort();
        AtomicLong epoch = new AtomicLong(2);
        QuorumGate gate = new QuorumGate() {
            @Override
            public boolean quorate() {
                return true;
            }

            @Override
            public FencingEpoch epoch() {
                return new FencingEpoch(epoch.get());
            }
        };
        VolumeConfig cb = VolumeConfig.of("vol", SIZE, d.resolve("b.img"), d.resolve("b.meta"))
                .withListen("127.0.0.1", portB).withPeer("127.0.0.1", portA).withSkipInitialSync(true)
                .withSplitBrainPolicy(SplitBrainPolicy.DISCONNECT);
        try (MirrorVolume b = new MirrorVolume(cb, gate);
             IscsiServer secondaryTarget = new IscsiServer(IscsiServerConfig.of("127.0.0.1", 0))) {
            secondaryTarget.addTarget(new IscsiTarget(IQN, "vol", b, Optional.empty()));
            Process primary = startPrimary(d, portA, portB);
            try {
                int iscsiPort = awaitReady(primary, d);
                assertThat(loginStatus(secondaryTarget.port())).as("the secondary refuses logins (service unavailable)")
                        .isEqualTo(0x0301);
                Log log = writeUntilKilled(iscsiPort, primary, new Random(2000 + i));
                assertThat(primary.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(log.problems()).as("a write answered with something else than GOOD before the kill")
                        .allMatch(p -> p.contains("Exception") || p.contains("closed"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (b.connection() == ConnectionState.CONNECTED && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(loginStatus(secondaryTarget.port())).as("still a secondary after the kill: refused")
                        .isEqualTo(0x0301);
                epoch.set(3);
                b.promote(new FencingEpoch(3));
                check(secondaryTarget.port(), log, i);
                return log.acked().size();
            } finally {
                primary.destroyForcibly();
                primary.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int loginStatus(int port) throws IOException {
        try (MiniIscsiInitiator c = new MiniIscsiInitiator(port)) {
            return c.login(IQN, Map.of()).u16(36);
        }
    }

    private Process startPrimary(Path d, int portA, int portB) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "org.duplex.mirror.tool.MirrorNode", "--size",
                Long.toString(SIZE), "--backing", d.resolve("a.img").toString(), "--meta",
                d.resolve("a.meta").toString(), "--listen", "127.0.0.1:" + portA, "--peer", "127.0.0.1:" + portB,
                "--iscsi", "127.0.0.1:0", "--iqn", IQN, "--skip-initial-sync", "--wait-sync", "20", "--promote", "2");
        return new ProcessBuilder(cmd).redirectError(d.resolve("primary.log").toFile()).start();
    }

    private int awaitReady(Process p, Path d) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("READY ") || !line.contains(" iscsi=")) {
            throw new AssertionError("primary did not start: " + line + "\n"
                    + Files.readString(d.resolve("primary.log")));
        }
        return Integer.parseInt(line.substring(line.indexOf(" iscsi=") + 7).split(" ")[0]);
    }

    private Log writeUntilKilled(int port, Process primary, Random rnd) throws Exception {
        Map<Integer, Long> acked = new ConcurrentHashMap<>();
        Map<Integer, long[]> inFlight = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warm = new CountDownLatch(WRITERS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        int perWriter = (int) (SIZE / BLOCK / WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            final int writer = w;
            final long seed = rnd.nextLong();
            Thread t = new Thread(() -> {
                Random r = new Random(seed);
                try (MiniIscsiInitiator c = new MiniIscsiInitiator(port)) {
                    Pdu login = c.login(IQN, Map.of());
                    if (login.u16(36) != 0) {
                        problems.add("writer " + writer + ": login refused " + Integer.toHexString(login.u16(36)));
                        return;
                    }
                    for (long seq = 1; !stop.get(); seq++) {
                        int block = writer * perWriter + r.nextInt(perWriter);
                        inFlight.put(writer, new long[] {block, seq});
                        boolean fua = r.nextInt(8) == 0;
                        c.send(c.scsiCommand(0xa0, 0, BLOCK, cdb10(0x2a, (long) block * (BLOCK / 512), BLOCK / 512,
                                fua ? 0x08 : 0), CrashFailoverTest.pattern(writer, block, seq)));
                        Pdu resp = c.read();
                        if (resp.opcode() != Opcode.SCSI_RESPONSE || resp.u8(2) != 0 || resp.u8(3) != 0) {
                            problems.add("writer " + writer + ": answer " + resp + " status " + resp.u8(3));
                            return;
                        }
                        acked.put(block, seq);
                        inFlight.remove(writer);
                        if (seq == 1) {
                            warm.countDown();
                        }
                    }
                } catch (IOException e) {
                    problems.add("writer " + writer + ": " + e); // the primary was killed: expected
                }
            }, "iscsi-writer-" + w);
            writers.add(t);
            t.start();
        }
        assertThat(warm.await(30, TimeUnit.SECONDS)).as("every writer had a first acknowledgement").isTrue();
        Thread.sleep(20 + rnd.nextInt(300));
        primary.destroyForcibly(); // SIGKILL mid-stream
        for (Thread t : writers) {
            t.join(20_000);
        }
        stop.set(true);
        return new Log(acked, inFlight, problems);
    }

    /** Reads every acknowledged block back through the promoted leg's iSCSI target. */
    private void check(int port, Log log, int iteration) throws IOException {
        int perWriter = (int) (SIZE / BLOCK / WRITERS);
        try (MiniIscsiInitiator c = new MiniIscsiInitiator(port)) {
            assertThat(c.login(IQN, Map.of()).u16(36)).as("the promoted leg accepts logins").isZero();
            for (Map.Entry<Integer, Long> e : log.acked().entrySet()) {
                int block = e.getKey();
                int writer = block / perWriter;
                c.send(c.scsiCommand(0xc0, 0, BLOCK, cdb10(0x28, (long) block * (BLOCK / 512), BLOCK / 512, 0),
                        new byte[0]));
                ByteArrayOutputStream in = new ByteArrayOutputStream();
                Pdu last = c.readUntilStatus(in);
                assertThat(last.u8(3)).as("READ status").isZero();
                byte[] actual = in.toByteArray();
                if (Arrays.equals(actual, CrashFailoverTest.pattern(writer, block, e.getValue()))) {
                    continue;
                }
                long[] f = log.inFlight().get(writer);
                if (f != null && f[0] == block
                        && Arrays.equals(actual, CrashFailoverTest.pattern(writer, block, f[1]))) {
                    continue; // the writer's unacknowledged next write to the same block made it: allowed
                }
                long found = actual.length >= 24 ? ByteBuffer.wrap(actual).getLong(16) : -1;
                throw new AssertionError("iteration " + iteration + ": block " + block
                        + " lost acknowledged write seq " + e.getValue() + " (found seq " + found + ")");
            }
        }
    }
}
