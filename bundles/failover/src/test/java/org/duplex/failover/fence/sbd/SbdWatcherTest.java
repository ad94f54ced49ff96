package org.duplex.failover.fence.sbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher on a real file, a virtual clock driving its loops (250 ms for the 1 s watchdog timeout). */
class SbdWatcherTest {

    static final NodeId N1 = SbdDiskTest.N1;
    static final NodeId N2 = SbdDiskTest.N2;
    static final long MS = 1_000_000;

    @TempDir
    Path dir;
    Path img;
    final AtomicLong now = new AtomicLong();
    final AtomicBoolean quorate = new AtomicBoolean(true);
    final List<String> ended = new ArrayList<>();
    final AtomicInteger pets = new AtomicInteger();
    final AtomicBoolean diskGone = new AtomicBoolean();
    SbdWatcher watcher;

    @BeforeEach
    void setUp() throws IOException {
        img = dir.resolve("sbd.img");
        watcher = new SbdWatcher(N1, new FlakyDisk(img), quorate::get, ended::add, new SbdWatcher.Watchdog() {
            @Override
            public void pet() {
                pets.incrementAndGet();
            }

            @Override
            public void disarm() {
            }
        }, now::get);
    }

    /** The real disk, made unreadable on demand (a pulled cable). */
    final class FlakyDisk extends SbdDiskProxy {
        FlakyDisk(Path p) {
            super(p, diskGone);
        }
    }

    private void loops(int n) {
        for (int i = 0; i < n; i++) {
            now.addAndGet(250 * MS);
            watcher.loop();
        }
    }

    @Test
    void aPoisonPillEndsTheNodeAtTheNextLoopAndPettingStops() throws IOException {
        watcher.start(SbdDiskTest.HEADER);
        loops(4);
        assertThat(ended).isEmpty();
        int petted = pets.get();
        assertThat(petted).isEqualTo(4);
        new SbdDisk(img).write(N1, new SbdDisk.Message(SbdDisk.Type.OFF, "node2", 9, 1));
        loops(1);
        assertThat(ended).singleElement().asString().contains("poison pill (off from node2, sequence 9)");
        loops(4);
        assertThat(ended).as("ends once").hasSize(1);
        assertThat(pets.get()).as("no petting once ending").isEqualTo(petted);
    }

    @Test
    void aPillForAnotherNodeOrAClearSlotChangesNothing() throws IOException {
        watcher.start(SbdDiskTest.HEADER);
        new SbdDisk(img).write(N2, new SbdDisk.Message(SbdDisk.Type.OFF, "node1", 1, 1));
        new SbdDisk(img).write(N1, new SbdDisk.Message(SbdDisk.Type.TEST, "node2", 2, 1));
        loops(20);
        assertThat(ended).isEmpty();
    }

    @Test
    void aPillLeftForThePreviousRunIsClearedAtStart() throws IOException {
        SbdDisk d = new SbdDisk(img);
        d.initialise(SbdDiskTest.HEADER);
        d.write(N1, new SbdDisk.Message(SbdDisk.Type.OFF, "node2", 3, 1));
        watcher.start(SbdDiskTest.HEADER);
        assertThat(d.read(N1)).isEqualTo(SbdDisk.Message.NONE);
        loops(8);
        assertThat(ended).isEmpty();
    }

    @Test
    void losingTheDiskWhileQuorateKeepsTheNodeAndWithoutQuorumEndsItAfterTheWatchdogTimeout() throws IOException {
        watcher.start(SbdDiskTest.HEADER);
        loops(2);
        diskGone.set(true);
        loops(20); // 5 s without the disk, quorate
        assertThat(ended).isEmpty();
        assertThat(pets.get()).isEqualTo(22);
        diskGone.set(false);
        loops(1);
        diskGone.set(true);
        quorate.set(false);
        loops(4); // exactly the watchdog timeout (1 s): not yet
        assertThat(ended).isEmpty();
        loops(1);
        assertThat(ended).singleElement().asString().contains("lost the SBD disk").contains("has no quorum");
    }

    @Test
    void withoutQuorumADiskThatComesBackInTimeChangesNothing() throws IOException {
        watcher.start(SbdDiskTest.HEADER);
        quorate.set(false);
        for (int i = 0; i < 10; i++) {
            diskGone.set(true);
            loops(3); // 750 ms without the disk
            diskGone.set(false);
            loops(1);
        }
        assertThat(ended).isEmpty();
    }

    @Test
    void anAreaConfiguredWithoutThisNodeIsRefused() throws IOException {
        SbdDisk.Header others = new SbdDisk.Header(List.of(N2, NodeId.of("node3")),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> watcher.start(others))
                .hasMessageContaining("no slot for this node node1");
        assertThat(Files.exists(img)).isTrue();
    }
}
