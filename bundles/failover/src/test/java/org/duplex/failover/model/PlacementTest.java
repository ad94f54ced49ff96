package org.duplex.failover.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceGroup;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.config.ConfigText;
import org.duplex.failover.replicated.FailoverDocument;
import org.junit.jupiter.api.Test;

/** Operator placements in the model, the text file and the replicated document. */
class PlacementTest {

    private static final ResourceId WEB = ResourceId.of("web");
    private static final Instant AT = Instant.parse("2026-12-07T12:30:00Z");

    private static FailoverConfig config() {
        return ConfigText.parse("""
                resource vip type=vip ip=192.168.50.10 cidr=24 interface=eth0
                group web resources=vip nodes=node1,node2,node3
                """);
    }

    @Test
    void theEffectiveListPutsThePlacedNodeFirstAndKeepsTheConfiguredOne() {
        FailoverConfig c = config().withPlacement(WEB, new Placement(NodeId.of("node3"), "admin", AT));
        ResourceGroup g = c.group(WEB).orElseThrow();
        assertThat(g.nodes()).extracting(NodeId::value).containsExactly("node1", "node2", "node3");
        assertThat(c.effectiveNodes(g)).extracting(NodeId::value).containsExactly("node3", "node1", "node2");
        assertThat(c.withPlacementsApplied().group(WEB).orElseThrow().nodes()).extracting(NodeId::value)
                .containsExactly("node3", "node1", "node2");
        assertThat(c.withoutPlacement(WEB).effectiveNodes(g)).isEqualTo(g.nodes());
    }

    @Test
    void aPlacementOnANodeOutsideTheListIsRefused() {
        assertThatThrownBy(() -> config().withPlacement(WEB, new Placement(NodeId.of("node9"), "admin", AT)))
                .hasMessageContaining("node9 is not in the node list of web");
        assertThatThrownBy(() -> config().withPlacement(ResourceId.of("nope"), new Placement(NodeId.of("node1"),
                "admin", AT))).hasMessageContaining("no group nope");
    }

    @Test
    void removingThePlacedNodeFromTheGroupDropsThePlacementAndSaysWhich() {
        FailoverConfig c = config().withPlacement(WEB, new Placement(NodeId.of("node3"), "admin", AT));
        ResourceGroup g = c.group(WEB).orElseThrow();
        FailoverConfig narrowed = c.withGroup(new ResourceGroup(WEB, g.resources(), java.util.List.of(
                NodeId.of("node1"), NodeId.of("node2"))), c.policyOf(WEB));
        assertThat(narrowed.placementOf(WEB)).isEmpty();
        assertThat(c.droppedPlacement(narrowed, WEB)).get().extracting(Placement::node).isEqualTo(NodeId.of("node3"));
        // a change that keeps the node keeps the placement
        FailoverConfig kept = c.withGroup(g, c.policyOf(WEB).withManaged(true));
        assertThat(kept.placementOf(WEB)).isPresent();
        assertThat(c.droppedPlacement(kept, WEB)).isEmpty();
        assertThat(c.withoutGroup(WEB).placements()).isEmpty();
    }

    @Test
    void aPlacementTravelsThroughTheTextFileAndTheReplicatedDocument() {
        FailoverConfig c = config().withPlacement(WEB, new Placement(NodeId.of("node2"), "admin on node1", AT));
        String text = ConfigText.write(c);
        assertThat(text).contains("placement web node=node2 by=\"admin on node1\" at=2026-12-07T12:30:00Z");
        assertThat(ConfigText.parse(text)).isEqualTo(c);

        String doc = FailoverDocument.write("{}", c);
        assertThat(doc).contains("\"placed-on\":\"node2\"");
        assertThat(FailoverDocument.read(doc)).isEqualTo(c);
        assertThat(FailoverDocument.read(FailoverDocument.write("{}", c.withoutPlacement(WEB))).placements())
                .isEmpty();
    }

    @Test
    void aDocumentWhosePlacementNamesANodeOutsideTheListReadsWithoutIt() {
        FailoverConfig c = config().withPlacement(WEB, new Placement(NodeId.of("node2"), "admin", AT));
        String doc = FailoverDocument.write("{}", c).replace("\"placed-on\":\"node2\"", "\"placed-on\":\"node9\"");
        FailoverConfig read = FailoverDocument.read(doc);
        assertThat(read.placements()).isEmpty();
        assertThat(read.group(WEB)).isPresent();
    }
}
