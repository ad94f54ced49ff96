package org.duplex.heartbeat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.liveness.LinkState;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.duplex.heartbeat.link.disk.DiskLayout;
import org.duplex.heartbeat.link.disk.DiskLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared-disk heartbeat over a temporary file that both nodes open. */
class DiskLinkTest {

    @TempDir
    Path dir;

    static Map<String, Object> disk(Path path) {
        return Map.of("name", "disk0", "type", "disk", "path", path.toString(), "slots", "nodeA,nodeB",
                "node.count", "4");
    }

    static final LinkContext IGNORE = new LinkContext() {
        @Override
        public void received(byte[] data, int offset, int length, String source) {
        }

        @Override
        public void rejected(RejectReason reason, String source, String detail) {
        }
    };

    @Test
    void nodesSeeEachOtherThroughTheSharedFileAndAStaleSlotMeansDead() throws Exception {
        Path shared = dir.resolve("hb.disk");
        Path key = TestNode.key(dir);
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(2), "nodeB")) {
            a.link(disk(shared));
            try (TestNode b = new TestNode("nodeB", key, Duration.ofSeconds(2), "nodeA")) {
                b.link(disk(shared));
                await().atMost(Duration.ofSeconds(10)).until(() -> a.liveness("nodeB") == Liveness.ALIVE
                        && b.liveness("nodeA") == Liveness.ALIVE);
                assertThat(a.node.lastReport(NodeId.of("nodeB"))).hasValueSatisfying(
                        r -> assertThat(r.memoryUsedPercent()).isEqualTo(40));
            }
            // B stopped writing: its slot goes stale and the link goes down after the dead time.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> a.node.linkState(NodeId.of("nodeB"), "disk0") == LinkState.DOWN);
            assertThat(a.liveness("nodeB")).isEqualTo(Liveness.DEAD);
            assertThat(a.node.rejections().total()).isZero();
        }
        byte[] header = new byte[DiskLayout.HEADER_SIZE];
        ByteBuffer.wrap(Files.readAllBytes(shared)).get(header);
        DiskLayout.Probe p = DiskLayout.probe(header);
        assertThat(p).isEqualTo(new DiskLayout.Probe.Valid(
                new DiskLayout("prod", 4096, 4, ((DiskLayout.Probe.Valid) p).layout().createdAt())));
        assertThat(Files.size(shared)).isEqualTo(4096 + 4 * 4096);
    }

    @Test
    void aFrameInAnotherNodesSlotIsRejected() throws Exception {
        Path shared = dir.resolve("hb.disk");
        Path key = TestNode.key(dir);
        // nodeC writes into the slot that belongs to nodeB (it believes the slot order is nodeA,nodeC).
        Map<String, Object> wrongOrder = new java.util.HashMap<>(disk(shared));
        wrongOrder.put("slots", "nodeA,nodeC");
        Map<String, Object> three = new java.util.HashMap<>(disk(shared));
        three.put("slots", "nodeA,nodeB,nodeC");
        try (TestNode a = new TestNode("nodeA", key, Duration.ofSeconds(2), "nodeB");
                TestNode c = new TestNode("nodeC", key, Duration.ofSeconds(2), "nodeA")) {
            a.link(three);
            c.link(wrongOrder);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> a.node.rejections().total(RejectReason.UNKNOWN_SENDER) > 0);
            assertThat(a.node.rejections().rows()).anySatisfy(r -> assertThat(r.source()).endsWith("#1(nodeB)"));
            assertThat(a.node.linkState(NodeId.of("nodeB"), "disk0")).isEqualTo(LinkState.UNKNOWN);
        }
    }

    @Test
    void aDeviceOfAnotherClusterIsRefusedWithAClearError() throws IOException {
        Path shared = dir.resolve("other.disk");
        Files.write(shared, new DiskLayout("other", 4096, 4, 1).encode());
        LinkConfig c = LinkConfig.parse(disk(shared));
        DiskLink link = new DiskLink(c, NodeId.of("nodeA"), "prod");
        assertThatThrownBy(() -> link.start(IGNORE)).isInstanceOf(IOException.class)
                .hasMessageContaining("refusing heartbeat device " + shared)
                .hasMessageContaining("belongs to cluster 'other', this node is in cluster 'prod'");
        assertThat(Files.readAllBytes(shared)).isEqualTo(new DiskLayout("other", 4096, 4, 1).encode());
    }

    @Test
    void aDeviceWithOtherDataIsNeverOverwritten() throws IOException {
        Path shared = dir.resolve("data.disk");
        byte[] data = new byte[8192];
        new java.util.Random(1).nextBytes(data);
        Files.write(shared, data);
        DiskLink link = new DiskLink(LinkConfig.parse(disk(shared)), NodeId.of("nodeA"), "prod");
        assertThatThrownBy(() -> link.start(IGNORE)).hasMessageContaining("no Duplex heartbeat magic");
        assertThat(Files.readAllBytes(shared)).isEqualTo(data);
    }

    @Test
    void aDeviceWithAnotherSlotSizeIsRefused() throws IOException {
        Path shared = dir.resolve("slots.disk");
        Files.write(shared, new DiskLayout("prod", 512, 4, 1).encode());
        DiskLink link = new DiskLink(LinkConfig.parse(disk(shared)), NodeId.of("nodeA"), "prod");
        assertThatThrownBy(() -> link.start(IGNORE)).hasMessageContaining("slot.size=512");
    }

    @Test
    void theNodeReportsARefusedDeviceInItsLinkTable() throws IOException {
        Path shared = dir.resolve("other.disk");
        Files.write(shared, new DiskLayout("other", 4096, 4, 1).encode());
        try (TestNode a = new TestNode("nodeA", TestNode.key(dir), Duration.ofSeconds(2), "nodeB")) {
            a.link(disk(shared));
            assertThat(a.node.links().get(0).running()).isFalse();
            assertThat(a.node.links().get(0).detail()).startsWith("NOT RUNNING: refusing heartbeat device")
                    .contains("belongs to cluster 'other'");
        }
    }

    @Test
    void directIoWorksWhereTheFileSystemSupportsIt() throws Exception {
        Path shared = dir.resolve("direct.disk");
        try (FileChannel ch = FileChannel.open(shared, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), 4096 * 5 - 1);
        }
        Map<String, Object> props = new java.util.HashMap<>(disk(shared));
        props.put("direct.io", "true");
        DiskLink link = new DiskLink(LinkConfig.parse(props), NodeId.of("nodeA"), "prod");
        try {
            link.start(IGNORE);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("O_DIRECT not supported on " + dir + ": " + e.getMessage());
        }
        try {
            link.send(new byte[100]);
            assertThat(link.describe()).contains("O_DIRECT").doesNotContain("I/O error");
        } finally {
            link.close();
        }
    }
}
