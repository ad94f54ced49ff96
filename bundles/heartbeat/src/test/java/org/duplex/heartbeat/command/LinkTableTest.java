package org.duplex.heartbeat.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.detect.LinkStats;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.frame.RejectionCounters;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.node.HeartbeatNode;
import org.junit.jupiter.api.Test;

class LinkTableTest {

    @Test
    void rendersPeersPairsLinksAndRejections() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        NodeId b = NodeId.of("nodeB");
        LinkConfig udp = LinkConfig.parse(Map.of("name", "udp0", "type", "udp", "peers", "nodeB=127.0.0.1:7400"));
        RejectionCounters rc = new RejectionCounters(16);
        rc.count("udp0", "127.0.0.9:4000", RejectReason.BAD_HMAC);
        String out = LinkTable.render("nodeA",
                List.of(new PeerStatus(b, Liveness.SUSPECT, List.of(new LinkStatus("udp0", LinkKind.UDP,
                        LinkState.UP, Optional.of(now.minusMillis(120)))))),
                List.of(new LinkStats(b, "udp0", LinkKind.UDP, LinkState.UP, Optional.of(now.minusMillis(120)), 500,
                        5, 0.99, 0.4, 0.1),
                        new LinkStats(b, "serial0", LinkKind.SERIAL, LinkState.DOWN, Optional.empty(), 0, 0, 0, 0, 0)),
                List.of(new HeartbeatNode.LinkView(udp, true, "unicast", 510, 1)), rc, now);
        assertThat(out).contains("nodeB            SUSPECT")
                .contains("udp0         UDP    UP      120 ms ago")
                .contains("serial0      SERIAL DOWN    never")
                .contains("0.99")
                .contains("127.0.0.9:4000")
                .contains("bad HMAC");
        assertThat(LinkTable.ago(Duration.ofSeconds(42))).isEqualTo("42 s ago");
    }
}
