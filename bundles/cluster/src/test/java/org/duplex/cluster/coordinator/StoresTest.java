package org.duplex.cluster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeRole;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.FileConfigStore;
import org.duplex.cluster.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {

    @Test
    void epochStoreIsDurableAndNeverGoesBackwards(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("state/epoch");
        FileEpochStore s = new FileEpochStore(f);
        assertThat(s.load()).isZero();
        s.store(5);
        assertThat(new FileEpochStore(f).load()).isEqualTo(5);
        assertThatThrownBy(() -> s.store(4)).hasMessageContaining("backwards");
        assertThat(Files.exists(dir.resolve("state/epoch.tmp"))).isFalse();
        Files.writeString(f, "garbage");
        assertThatThrownBy(() -> new FileEpochStore(f).load()).hasMessageContaining("corrupt");
    }

    @Test
    void configStoreRoundTrips(@TempDir Path dir) throws Exception {
        FileConfigStore s = new FileConfigStore(dir.resolve("cluster-config.json"));
        assertThat(s.load()).isEmpty();
        ClusterConfig c = ClusterConfig.initial("c", List.of(NodeConfig.member("n1"), NodeConfig.member("n2")))
                .stamped(3, 2);
        s.save(c);
        assertThat(new FileConfigStore(dir.resolve("cluster-config.json")).load()).contains(c);
    }

    @Test
    void coordinatorIsTheLowestMemberNeverAWitness() {
        var roles = Map.of(NodeId.of("a"), NodeRole.WITNESS, NodeId.of("b"), NodeRole.MEMBER,
                NodeId.of("c"), NodeRole.MEMBER);
        assertThat(CoordinatorElection.choose(List.of(NodeId.of("c"), NodeId.of("a"), NodeId.of("b")), roles))
                .contains(NodeId.of("b"));
        assertThat(CoordinatorElection.choose(List.of(NodeId.of("a")), roles)).isEmpty();
    }
}
