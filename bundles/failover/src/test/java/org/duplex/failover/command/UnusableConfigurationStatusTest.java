package org.duplex.failover.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.duplex.api.model.ResourceState;
import org.duplex.failover.control.FailoverController;
import org.duplex.failover.history.History;
import org.duplex.failover.policy.Failure;
import org.duplex.failover.policy.Plan;
import org.duplex.failover.replicated.ReplicatedFailoverConfigStore;
import org.duplex.failover.replicated.ReplicatedFailoverConfigStoreTest;
import org.duplex.failover.service.FailoverService;
import org.duplex.failover.store.FailoverConfigStore;
import org.junit.jupiter.api.Test;

/**
 * ha:config-import does not check the failover's words, so an unusable committed configuration must be visible
 * where operators look: the top of this bundle's ha:status section, until a usable one is committed.
 */
class UnusableConfigurationStatusTest {

    private final ReplicatedFailoverConfigStoreTest.Documents documents = new ReplicatedFailoverConfigStoreTest.Documents();
    private final ReplicatedFailoverConfigStore store = new ReplicatedFailoverConfigStore(documents);
    private final Commands commands = new Commands(new NoClusterState(store));

    @Test
    void anUnusableVersionIsReportedInTheStatusSectionUntilFixed() {
        assertThat(commands.statusSection()).isEmpty();
        documents.commit("{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\", \"params\": {\"stop-timeout\": "
                + "\"never\"}}]}");
        assertThat(commands.statusSection()).startsWith("WARNING: cluster configuration version 1 is not usable by"
                + " the failover engine (stop-timeout").contains("ha:config-import");
        documents.commit("{}");
        assertThat(commands.statusSection()).isEmpty();
    }

    /** Only the store is real; nothing runs (no groups), so nothing else is asked. */
    private record NoClusterState(FailoverConfigStore store) implements FailoverService {
        @Override
        public Plan plan() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FailoverController.Simulation simulate(Optional<NodeId> failedNode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FailoverController.SwitchoverResult switchover(ResourceId group, Optional<NodeId> target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int cleanup(ResourceId resource) {
            return 0;
        }

        @Override
        public List<History.Entry> history(Optional<ResourceId> group) {
            return List.of();
        }

        @Override
        public Map<NodeId, Map<ResourceId, ResourceState>> states() {
            return Map.of();
        }

        @Override
        public List<Failure> failures() {
            return List.of();
        }

        @Override
        public Optional<ResourceAgent> agent(String type) {
            return Optional.empty();
        }

        @Override
        public void trigger() {
        }
    }
}
