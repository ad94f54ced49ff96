package org.duplex.failover.fence.sbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbdDiskTest {

    static final NodeId N1 = NodeId.of("node1");
    static final NodeId N2 = NodeId.of("node2");
    static final SbdDisk.Header HEADER = new SbdDisk.Header(List.of(N1, N2), Duration.ofSeconds(1),
            Duration.ofSeconds(2));

    @Test
    void aBlankAreaIsInitialisedOnceAndMessagesRoundTrip(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("sbd.img");
        Files.write(img, new byte[64 * 1024]); // a zeroed shared disk
        SbdDisk a = new SbdDisk(img);
        SbdDisk b = new SbdDisk(img);
        assertThat(a.initialise(HEADER)).isEqualTo(HEADER);
        assertThat(b.initialise(HEADER)).as("the second node finds the same header").isEqualTo(HEADER);
        assertThat(b.read(N1)).isEqualTo(SbdDisk.Message.NONE);
        SbdDisk.Message pill = new SbdDisk.Message(SbdDisk.Type.OFF, "node2", 7, 1234);
        a.write(N1, pill);
        assertThat(b.read(N1)).isEqualTo(pill);
        assertThat(b.read(N1).poison()).isTrue();
        assertThat(b.read(N2)).as("the other slot untouched").isEqualTo(SbdDisk.Message.NONE);
    }

    @Test
    void aDifferentConfigurationOrAnUnknownNodeIsRefusedByName(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("sbd.img");
        SbdDisk d = new SbdDisk(img);
        d.initialise(HEADER);
        assertThatThrownBy(() -> d.initialise(new SbdDisk.Header(List.of(N2, N1), Duration.ofSeconds(1),
                Duration.ofSeconds(2)))).hasMessageContaining("holds slots [node1, node2]")
                .hasMessageContaining("configured for slots [node2, node1]");
        assertThatThrownBy(() -> d.read(NodeId.of("node3"))).hasMessageContaining("no slot for node 'node3'");
        assertThatThrownBy(() -> new SbdDisk.Header(List.of(N1), Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("msgwait");
    }

    @Test
    void aTornSlotIsAnErrorNeverAMessage(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("sbd.img");
        SbdDisk d = new SbdDisk(img);
        d.initialise(HEADER);
        d.write(N2, new SbdDisk.Message(SbdDisk.Type.OFF, "node1", 1, 1));
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), 2L * SbdDisk.BLOCK + 40);
        }
        assertThatThrownBy(() -> d.read(N2)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> new SbdDisk(dir.resolve("missing.img")).header()).isInstanceOf(IOException.class);
    }
}
