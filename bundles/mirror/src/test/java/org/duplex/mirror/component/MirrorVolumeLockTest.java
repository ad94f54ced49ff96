package org.duplex.mirror.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.failover.VolumeLease;
import org.duplex.api.failover.VolumeLockException;
import org.duplex.api.model.NodeId;
import org.duplex.mirror.leg.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror bundle's VolumeLock: acquire = promote with the epoch, older epochs refused, release = demote. */
class MirrorVolumeLockTest {
    static final Duration T = Duration.ofSeconds(5);
    static final NodeId N1 = NodeId.of("n1");

    @TempDir
    Path dir;

    Map<String, Object> config(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("size", "4M");
        p.put("backing.path", dir.resolve(name + ".img").toString());
        p.put("nbd.address", "");
        return p;
    }

    @Test
    void acquirePromotesWithTheEpochRefusesOlderEpochsAndReleaseDemotes() throws Exception {
        MirrorRegistry registry = new MirrorRegistry();
        MirrorAgentTest.FakeCluster cluster = new MirrorAgentTest.FakeCluster(true, 5);
        registry.bindCluster(cluster);
        try {
            registry.open(VolumeSettings.parse(config("data"), dir, dir));
            MirrorVolumeLock lock = new MirrorVolumeLock(registry);
            assertThat(lock.holder("data")).isEmpty();

            VolumeLease lease = lock.acquire("data", N1, new FencingEpoch(5), T);
            assertThat(lease).isEqualTo(new VolumeLease("data", N1, new FencingEpoch(5)));
            assertThat(registry.get("data").orElseThrow().volume().role()).isEqualTo(Role.PRIMARY);
            assertThat(lock.holder("data")).contains(lease);
            // idempotent for the holder
            assertThat(lock.acquire("data", N1, new FencingEpoch(5), T)).isEqualTo(lease);

            // a stale coordinator: refused, lease unchanged
            assertThatThrownBy(() -> lock.acquire("data", N1, new FencingEpoch(4), T))
                    .isInstanceOf(VolumeLockException.class).hasMessageContaining("epoch 5");
            assertThatThrownBy(() -> lock.release("data", N1, new FencingEpoch(4), T))
                    .isInstanceOf(VolumeLockException.class).hasMessageContaining("stale");
            assertThat(registry.get("data").orElseThrow().volume().role()).isEqualTo(Role.PRIMARY);

            lock.release("data", N1, new FencingEpoch(5), T);
            assertThat(registry.get("data").orElseThrow().volume().role()).isEqualTo(Role.SECONDARY);
            assertThat(lock.holder("data")).isEmpty();
            lock.release("data", N1, new FencingEpoch(5), T); // not held: ignored

            // the epoch seen at a promotion is persisted: a reopened volume still refuses an older one
            registry.close("data");
            registry.open(VolumeSettings.parse(config("data"), dir, dir));
            cluster.set(true, 6);
            assertThatThrownBy(() -> lock.acquire("data", N1, new FencingEpoch(4), T))
                    .isInstanceOf(VolumeLockException.class);
            assertThat(lock.acquire("data", N1, new FencingEpoch(6), T).epoch()).isEqualTo(new FencingEpoch(6));
        } finally {
            registry.deactivate();
        }
    }

    @Test
    void refusesOtherNodesUnknownVolumesAndNoQuorum() throws Exception {
        MirrorRegistry registry = new MirrorRegistry();
        MirrorAgentTest.FakeCluster cluster = new MirrorAgentTest.FakeCluster(false, 3);
        registry.bindCluster(cluster);
        try {
            registry.open(VolumeSettings.parse(config("data"), dir, dir));
            MirrorVolumeLock lock = new MirrorVolumeLock(registry);
            assertThatThrownBy(() -> lock.acquire("nope", N1, new FencingEpoch(3), T))
                    .isInstanceOf(VolumeLockException.class).hasMessageContaining("no mirror volume 'nope'");
            assertThatThrownBy(() -> lock.acquire("data", NodeId.of("n2"), new FencingEpoch(3), T))
                    .isInstanceOf(VolumeLockException.class).hasMessageContaining("own node");
            assertThatThrownBy(() -> lock.acquire("data", N1, new FencingEpoch(3), T))
                    .isInstanceOf(VolumeLockException.class).hasMessageContaining("quorum");
            lock.release("data", NodeId.of("n2"), new FencingEpoch(3), T); // ignored
            assertThat(lock.holder("data")).isEmpty();
        } finally {
            registry.deactivate();
        }
    }
}
