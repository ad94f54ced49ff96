package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.duplex.api.metrics.MetricsWriter;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror's metrics from a real pair of legs: in sync, then disconnected with dirty regions, then resynced. */
class MirrorMetricsTest {

    @TempDir
    Path dir;

    static Map<String, Double> metrics(MirrorStatus... s) {
        Map<String, Double> m = new TreeMap<>();
        MirrorMetrics.write(List.of(s), new MetricsWriter() {
            @Override
            public void gauge(String name, String help, Map<String, String> labels, double value) {
                assertThat(m.put(name + new TreeMap<>(labels), value)).as(name + labels).isNull();
            }

            @Override
            public void counter(String name, String help, Map<String, String> labels, double value) {
                assertThat(name).endsWith("_total");
                gauge(name, help, labels, value);
            }

            @Override
            public void summary(String name, String help, Map<String, String> labels, long count, double sum) {
                throw new AssertionError("no summary expected");
            }
        });
        return m;
    }

    @Test
    void roleConnectionDiskStatesAndDirtyBytesFollowTheVolume() throws Exception {
        try (MirrorPair p = new MirrorPair(dir, 8L << 20, SplitBrainPolicy.DISCONNECT, true).open()) {
            p.awaitInSync();
            p.a.promote(p.nextEpoch());
            String name = p.a.status().name();
            String v = "volume=" + name;
            Map<String, Double> synced = metrics(p.a.status());
            assertThat(synced).containsEntry("duplex_mirror_volumes{}", 1.0)
                    .containsEntry("duplex_mirror_role{role=PRIMARY, " + v + "}", 1.0)
                    .containsEntry("duplex_mirror_role{role=SECONDARY, " + v + "}", 0.0)
                    .containsEntry("duplex_mirror_writable{" + v + "}", 1.0)
                    .containsEntry("duplex_mirror_connection{state=CONNECTED, " + v + "}", 1.0)
                    .containsEntry("duplex_mirror_disk_state{leg=local, state=UP_TO_DATE, " + v + "}", 1.0)
                    .containsEntry("duplex_mirror_disk_state{leg=peer, state=UP_TO_DATE, " + v + "}", 1.0)
                    .containsEntry("duplex_mirror_in_sync_ratio{" + v + "}", 1.0)
                    .containsEntry("duplex_mirror_dirty_bytes{" + v + "}", 0.0)
                    .containsEntry("duplex_mirror_alert{" + v + "}", 0.0);

            p.a.disconnect();
            int gran = p.configA.granularity();
            MirrorPair.write(p.a, 0, 4096, (byte) 1);
            MirrorPair.write(p.a, 3L * gran, 4096, (byte) 3);
            Map<String, Double> apart = metrics(p.a.status());
            assertThat(apart).containsEntry("duplex_mirror_dirty_bytes{" + v + "}", 2.0 * gran)
                    .containsEntry("duplex_mirror_connection{state=CONNECTED, " + v + "}", 0.0);
            assertThat(apart.get("duplex_mirror_in_sync_ratio{" + v + "}")).isLessThan(1.0);
            assertThat(apart.entrySet().stream().filter(e -> e.getKey().startsWith("duplex_mirror_connection{")
                    && e.getValue() == 1.0)).hasSize(1);

            double sentBefore = apart.get("duplex_mirror_resync_bytes_sent_total{" + v + "}");
            p.a.connect();
            p.awaitInSync();
            Map<String, Double> again = metrics(p.a.status());
            assertThat(again).containsEntry("duplex_mirror_dirty_bytes{" + v + "}", 0.0)
                    .containsEntry("duplex_mirror_resync_bytes_sent_total{" + v + "}", sentBefore + 2.0 * gran);
        }
    }
}
