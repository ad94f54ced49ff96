package org.duplex.failover.fence.sbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDeviceConfig;
import org.duplex.failover.fence.FenceDeviceTypes;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.fence.IpmiFenceDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sbd fencing device on a real file; a virtual ticker stands for msgwait. */
class SbdFenceDeviceTest {

    @TempDir
    Path dir;
    long now;
    final IpmiFenceDevice.Ticker ticker = new IpmiFenceDevice.Ticker() {
        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            now += d.toNanos();
        }
    };

    private SbdFenceDevice device(String timeout) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "sbd");
        p.put("nodes", "node1,node2");
        p.put("device", dir.resolve("sbd.img").toString());
        p.put("timeout", timeout);
        p.put("sender", "node2");
        return new SbdFenceDevice(FenceDeviceConfig.parse(p), ticker);
    }

    @Test
    void offWritesThePillAndConfirmsOnlyAfterMsgwait() throws Exception {
        new SbdDisk(dir.resolve("sbd.img")).initialise(SbdDiskTest.HEADER);
        SbdFenceDevice d = device("10s");
        FenceResult r = d.run(FenceAction.OFF, SbdDiskTest.N1);
        assertThat(r.ok()).isTrue();
        assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(r.output()).contains("msgwait 2000 ms over");
        SbdDisk.Message m = new SbdDisk(dir.resolve("sbd.img")).read(SbdDiskTest.N1);
        assertThat(m.type()).isEqualTo(SbdDisk.Type.OFF);
        assertThat(m.sender()).isEqualTo("node2");
        assertThat(d.run(FenceAction.STATUS, SbdDiskTest.N1).status()).isEqualTo("off");
        assertThat(d.run(FenceAction.ON, SbdDiskTest.N1).ok()).isTrue();
        assertThat(d.run(FenceAction.STATUS, SbdDiskTest.N1).status()).isEqualTo("on");
    }

    @Test
    void aTimeoutNotAboveMsgwaitAnUninitialisedAreaAndAnUnknownNodeFailClearly() throws IOException,
            InterruptedException {
        SbdFenceDevice d = device("10s");
        assertThat(d.problem()).get().asString().contains("not initialised");
        assertThat(d.run(FenceAction.OFF, SbdDiskTest.N1).ok()).isFalse();
        new SbdDisk(dir.resolve("sbd.img")).initialise(SbdDiskTest.HEADER);
        FenceResult shortTimeout = device("2s").run(FenceAction.OFF, SbdDiskTest.N1);
        assertThat(shortTimeout.ok()).isFalse();
        assertThat(shortTimeout.output()).contains("must exceed the SBD area's msgwait 2000 ms");
        assertThat(new SbdDisk(dir.resolve("sbd.img")).read(SbdDiskTest.N1).poison()).as("no pill written").isFalse();
        assertThat(d.run(FenceAction.OFF, org.duplex.api.model.NodeId.of("node9")).output())
                .contains("no slot for node9");
    }

    @Test
    void theTypeIsKnownAndADeviceWithoutAPathIsRefused() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "sbd");
        p.put("nodes", "node1");
        assertThatThrownBy(() -> FenceDeviceTypes.create(FenceDeviceConfig.parse(p)))
                .hasMessageContaining("device is missing");
        p.put("device", "relative/sbd.img");
        assertThatThrownBy(() -> FenceDeviceTypes.create(FenceDeviceConfig.parse(p)))
                .hasMessageContaining("absolute path");
    }
}
