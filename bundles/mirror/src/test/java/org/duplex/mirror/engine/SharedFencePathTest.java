package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.duplex.mirror.component.VolumeSettings;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 4: with the fence.* addresses unset the fencing path goes to the peer's replication address, so
 * cutting the replication NIC makes the peer unreachable on both paths, and the default resource-only resumed
 * writes: if this primary then died, promoting the stale peer lost them. Both legs here are configured as an
 * operator does (the configuration dictionary, parsed by the product), the replication link runs through a
 * cuttable forwarder and the fencing path is cut with it. By default the writes now stay suspended; with
 * fence.shared.path.ok = true (the operator accepts the risk) they resume as before.
 */
class SharedFencePathTest {
    static final long SIZE = 4L << 20;

    @TempDir
    Path dir;

    @Test
    void withTheFencingPathOnTheReplicationNicACutKeepsWritesSuspendedByDefault() throws Exception {
        try (MirrorPair p = pair(Map.of())) {
            CompletableFuture<Void> w = cutAndWrite(p);
            // the fencer answers "unreachable" at once: resource-only used to acknowledge right away
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !w.isDone());
            assertThat(p.a.ioSuspended()).isTrue();
            assertThat(p.fencerA.attempts.get()).as("the peer was asked to be outdated").isPositive();
            assertThat(p.a.status().alert()).hasValueSatisfying(m -> assertThat(m).contains("writes suspended")
                    .contains("ha:mirror-resume-io --force vol"));
            p.link.restore(); // the link is back: the waiting write is acknowledged, the peer resyncs
            w.get(30, TimeUnit.SECONDS);
            p.awaitInSync();
            assertThat(p.a.verify().regionsDiffering()).isZero();
        }
    }

    @Test
    void withTheOverrideResourceOnlyResumesWritesAsBefore() throws Exception {
        try (MirrorPair p = pair(Map.of("fence.shared.path.ok", "true"))) {
            CompletableFuture<Void> w = cutAndWrite(p);
            w.get(10, TimeUnit.SECONDS);
            assertThat(p.a.ioSuspended()).isFalse();
            assertThat(p.a.status().alert()).hasValueSatisfying(m -> assertThat(m).contains("not confirmed Outdated"));
        }
    }

    /** A primary and B secondary in sync, both configured with fencing and fence.* left to their defaults. */
    private MirrorPair pair(Map<String, String> extra) throws Exception {
        MirrorPair p = new MirrorPair(dir, SIZE, SplitBrainPolicy.DISCONNECT, true).withCuttableLink();
        p.configA = parse("a", p.configA, extra);
        p.configB = parse("b", p.configB, extra);
        p.open();
        p.a.promote(p.nextEpoch());
        p.awaitInSync();
        MirrorPair.write(p.a, 0, 4096, (byte) 1);
        return p;
    }

    private VolumeConfig parse(String leg, VolumeConfig c, Map<String, String> extra) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "vol");
        m.put("size", Long.toString(SIZE));
        m.put("backing.path", c.backing().toString());
        m.put("meta.dir", c.metaDir().toString());
        m.put("local.address", c.listenHost());
        m.put("local.port", Integer.toString(c.listenPort()));
        m.put("peer.address", c.peerHost());
        m.put("peer.port", Integer.toString(c.peerPort()));
        m.put("skip.initial.sync", "true");
        m.put("nbd.address", "");
        m.put("fencing", "resource-only");
        m.putAll(extra);
        return VolumeSettings.parse(m, dir.resolve(leg + "-etc"), dir.resolve(leg + "-data")).volume();
    }

    /** Cuts the replication link (the fake fencing path is unreachable too) and writes on the primary A. */
    private static CompletableFuture<Void> cutAndWrite(MirrorPair p) {
        p.link.cut();
        return CompletableFuture.runAsync(() -> {
            try {
                MirrorPair.write(p.a, 64 * 1024, 4096, (byte) 2);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
