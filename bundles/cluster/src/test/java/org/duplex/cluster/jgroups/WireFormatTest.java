package org.duplex.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.duplex.api.model.NodeId;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.GroupConfig;
import org.duplex.cluster.config.NodeConfig;
import org.duplex.cluster.core.ClusterMessage;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final NodeId N1 = NodeId.of("n1");

    static List<ClusterMessage> samples() {
        ClusterConfig c = ClusterConfig.initial("c", List.<NodeConfig>of())
                .withGroups(List.of(new GroupConfig("web", List.of("vip"), List.of("n1", "n2"),
                        Map.of("stickiness", "0"))));
        return List.of(
                new ClusterMessage.Hello(N1, "v1", 3, c, false),
                new ClusterMessage.NewTerm(N1, "v1", 4, c),
                new ClusterMessage.TermAck(N1, "v1", 4),
                new ClusterMessage.ConfigCommit(N1, "v1", 4, c),
                new ClusterMessage.ConfigProposal(N1, "v1", 2, c),
                new ClusterMessage.ExecOrder(N1, "v1", 7, "START", "vip", "web", 4, "web moved to n2", 12),
                new ClusterMessage.ExecReport(N1, "v1", 7, "vip", "", "start", "SUCCESS", "ok", 12, "RUNNING",
                        false, 1_700_000_000_000L));
    }

    @Test
    void everyMessageTypeRoundTripsWithTheVersionField() {
        for (ClusterMessage m : samples()) {
            byte[] bytes = WireFormat.encode(m);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":1,");
            WireFormat.Decoded d = WireFormat.decode(bytes);
            assertThat(d.message()).as(d.error()).contains(m);
        }
    }

    @Test
    void messagesWithoutTheVersionFieldAreReadAsVersionOne() {
        String old = "{\"t\":\"ack\",\"m\":{\"from\":{\"value\":\"n1\"},\"viewId\":\"v1\",\"epoch\":4}}";
        assertThat(WireFormat.decode(old.getBytes(StandardCharsets.UTF_8)).message())
                .contains(new ClusterMessage.TermAck(N1, "v1", 4));
    }

    @Test
    void newerVersionsAndBadInputAreRefusedWithAReason() {
        String newer = "{\"v\":2,\"t\":\"ack\",\"m\":{\"from\":{\"value\":\"n1\"},\"viewId\":\"v1\",\"epoch\":4}}";
        assertThat(WireFormat.decode(newer.getBytes(StandardCharsets.UTF_8)).error())
                .contains("unsupported wire version 2");
        assertThat(WireFormat.decode(new byte[0]).error()).isEqualTo("empty message");
        assertThat(WireFormat.decode(null).error()).isEqualTo("empty message");
        assertThat(WireFormat.decode("[1]".getBytes(StandardCharsets.UTF_8)).error()).isEqualTo("not a JSON object");
        assertThat(WireFormat.decode("{\"t\":\"nope\",\"m\":{}}".getBytes(StandardCharsets.UTF_8)).error())
                .contains("unknown cluster message type");
        assertThat(WireFormat.decode("{\"t\":\"ack\",\"m\":{\"epoch\":1}}".getBytes(StandardCharsets.UTF_8))
                .error()).contains("without sender");
        assertThat(WireFormat.decode("{\"t\":\"ack\",\"m\":{\"from\":{\"value\":\"-bad\"},\"viewId\":\"v\"}}"
                .getBytes(StandardCharsets.UTF_8)).message()).isEmpty();
    }

    @Property(tries = 2000)
    void decoderIsTotalOnArbitraryBytes(@ForAll byte[] bytes) {
        WireFormat.Decoded d = WireFormat.decode(bytes);
        assertThat(d.message().isPresent() || !d.error().isEmpty()).isTrue();
    }

    @Property(tries = 3000)
    void decoderIsTotalOnMutatedValidMessages(@ForAll("mutations") byte[] bytes) {
        WireFormat.Decoded d = WireFormat.decode(bytes);
        assertThat(d.message().isPresent() || !d.error().isEmpty()).isTrue();
        d.message().ifPresent(m -> assertThat(m.from()).isNotNull());
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        List<byte[]> valid = samples().stream().map(WireFormat::encode).toList();
        return Arbitraries.integers().between(0, valid.size() - 1).flatMap(i -> {
            byte[] base = valid.get(i);
            return Arbitraries.integers().between(0, base.length - 1).list().ofMinSize(1).ofMaxSize(4)
                    .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                        byte[] copy = base.clone();
                        for (int k = 0; k < positions.size(); k++) {
                            copy[positions.get(k)] = values.get(k);
                        }
                        return copy;
                    }));
        }).injectDuplicates(0.0);
    }
}
