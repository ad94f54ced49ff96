package org.duplex.failover.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.model.FailoverConfig;
import org.junit.jupiter.api.Test;

/**
 * The store's contract over the replicated document: compare-and-set on what was loaded, the cluster's refusals
 * passed on, listeners, and a committed document the engine cannot use. The documents service here is an
 * in-memory map with the service's compare-and-set rule; the cluster's own store is tested in the cluster bundle.
 */
public class ReplicatedFailoverConfigStoreTest {

    /** One document, versions counting up, compare-and-set on the version; or refusing like a minority. */
    public static final class Documents implements ReplicatedDocuments {
        ReplicatedDocument current = new ReplicatedDocument(FAILOVER, 0, 0, "{}");
        String refusal;
        final List<Consumer<ReplicatedDocument>> listeners = new ArrayList<>();

        @Override
        public Set<String> names() {
            return Set.of(FAILOVER);
        }

        @Override
        public ReplicatedDocument read(String name) {
            return current;
        }

        @Override
        public void replace(String name, long baseVersion, String json) throws IOException {
            if (refusal != null) {
                throw new IOException(refusal);
            }
            if (baseVersion != current.version()) {
                throw new IOException("changed meanwhile");
            }
            commit(json);
        }

        public void commit(String json) {
            current = new ReplicatedDocument(FAILOVER, current.version() + 1, 1, json);
            listeners.forEach(l -> l.accept(current));
        }

        @Override
        public AutoCloseable addListener(String name, Consumer<ReplicatedDocument> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }

    private final Documents documents = new Documents();
    private final ReplicatedFailoverConfigStore store = new ReplicatedFailoverConfigStore(documents);

    @Test
    void savesAsACompareAndSetOnWhatWasLoaded() throws Exception {
        FailoverConfig before = store.load();
        FailoverConfig after = before.withResource(Resource.of("vip", "vip", Map.of("ip", "127.0.0.5")));
        store.save(before, after);
        assertThat(store.load()).isEqualTo(after);
        assertThat(documents.current.version()).isEqualTo(1);
        assertThatThrownBy(() -> store.save(before, FailoverConfig.EMPTY)).hasMessageContaining("changed meanwhile")
                .hasMessageContaining("version 1");
        assertThat(documents.current.version()).isEqualTo(1);
    }

    @Test
    void theClustersRefusalReachesTheCallerAndNothingChanges() {
        documents.refusal = "cluster refused the change: refused: no quorum";
        FailoverConfig before = store.load();
        assertThatThrownBy(() -> store.save(before, before.withResource(Resource.of("vip", "vip", Map.of()))))
                .hasMessageContaining("no quorum");
        assertThat(store.load()).isEqualTo(before);
    }

    @Test
    void whatTheDocumentCannotCarryIsRefusedBeforeTheCluster() {
        FailoverConfig before = store.load();
        assertThatThrownBy(() -> store.save(before, before.withResource(Resource.of("vip", "vip",
                Map.of("stop-timeout", "1s"))))).hasMessageContaining("reserved");
        assertThat(documents.current.version()).isZero();
    }

    @Test
    void listenersHearMappedChangesOnlyAndAnUnusableVersionKeepsTheLastGoodOne() {
        List<FailoverConfig> heard = new ArrayList<>();
        store.addListener(heard::add);
        documents.commit("{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\"}]}");
        documents.commit("{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\"}], \"policies\": {}}");
        assertThat(store.problem()).isEmpty();
        documents.commit("{\"resources\": [{\"id\": \"vip\", \"type\": \"vip\", \"params\": {\"stop-timeout\": "
                + "\"never\"}}]}");
        assertThat(heard).hasSize(1);
        assertThat(heard.get(0).resources()).containsOnlyKeys(ResourceId.of("vip"));
        assertThat(store.load()).isEqualTo(heard.get(0));
        assertThat(store.problem()).hasValueSatisfying(p -> assertThat(p).contains("version 3")
                .contains("stop-timeout").contains("previous failover configuration stays"));
        documents.commit("{}");
        assertThat(store.problem()).isEmpty();
        assertThat(heard).hasSize(2);
    }
}
