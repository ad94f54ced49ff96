package org.duplex.cluster.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.liveness.LinkKind;
import org.duplex.api.liveness.LinkState;
import org.duplex.api.liveness.LinkStatus;
import org.duplex.api.liveness.PeerStatus;
import org.duplex.api.model.Liveness;
import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;

class LivenessCombinerTest {

    static final NodeId P = NodeId.of("p");

    static PeerStatus hb(Liveness l, LinkKind kind, LinkState state) {
        return new PeerStatus(P, l, List.of(new LinkStatus("l", kind, state, Optional.of(Instant.EPOCH))));
    }

    @Test
    void missingFromTheViewButHeardOnSerialIsPartitionedNotDead() {
        assertThat(LivenessCombiner.combine(P, Set.of(), Optional.of(hb(Liveness.SUSPECT, LinkKind.SERIAL,
                LinkState.UP)))).isEqualTo(Liveness.PARTITIONED);
        assertThat(LivenessCombiner.combine(P, Set.of(), Optional.of(hb(Liveness.DEAD, LinkKind.DISK,
                LinkState.DOWN)))).isEqualTo(Liveness.DEAD);
        assertThat(LivenessCombiner.combine(P, Set.of(), Optional.empty())).isEqualTo(Liveness.DEAD);
        assertThat(LivenessCombiner.combine(P, Set.of(P), Optional.empty())).isEqualTo(Liveness.ALIVE);
        assertThat(LivenessCombiner.combine(P, Set.of(P), Optional.of(hb(Liveness.SUSPECT, LinkKind.UDP,
                LinkState.DOWN)))).isEqualTo(Liveness.SUSPECT);
    }
}
