package org.duplex.cluster.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.NodeMode;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.GroupConfig;
import org.duplex.cluster.config.MonitorConfig;
import org.duplex.cluster.config.PolicyConfig;
import org.duplex.cluster.config.ResourceConfig;
import org.duplex.cluster.quorum.NoQuorumPolicy;
import org.junit.jupiter.api.Test;

/** The failover document on a scripted cluster: its text, compare-and-set, quorum and shape refusals, listeners. */
class ReplicatedDocumentStoreTest {

    private static final String F = ReplicatedDocuments.FAILOVER;

    private final ScriptedCluster cluster = new ScriptedCluster();
    private final ReplicatedDocumentStore store = new ReplicatedDocumentStore(cluster, Duration.ofSeconds(1));

    private static final String WEB = """
            {"resources": [{"id": "vip", "type": "vip", "params": {"ip": "10.0.0.100/24", "stop-timeout": "30s"}}],
             "groups": [{"id": "web", "resources": ["vip"], "nodes": ["n1", "n2"], "policy": {"on-fail": "move"}}],
             "monitors": [{"id": "gw", "type": "ping", "on": "node", "target": "web", "params": {"hosts": "10.0.0.1"}}],
             "policies": {"noQuorum": "freeze", "stickiness": 50, "migrationThreshold": 2}}
            """;

    @Test
    void theDocumentIsTheConfigurationsFailoverSectionsAndWritesThemBackUnchanged() throws Exception {
        store.replace(F, 0, WEB);
        ClusterConfig c = cluster.config;
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.resources()).containsExactly(new ResourceConfig("vip", "vip",
                Map.of("ip", "10.0.0.100/24", "stop-timeout", "30s")));
        assertThat(c.groups()).containsExactly(new GroupConfig("web", List.of("vip"), List.of("n1", "n2"),
                Map.of("on-fail", "move")));
        assertThat(c.monitors()).containsExactly(new MonitorConfig("gw", "ping", "node", "web",
                Map.of("hosts", "10.0.0.1")));
        assertThat(c.policies()).isEqualTo(new PolicyConfig(NoQuorumPolicy.FREEZE, 50, 2));

        ReplicatedDocument d = store.read(F);
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.epoch()).isEqualTo(1);
        // the same JSON as those sections of the configuration file: one format, not a second one
        String file = ConfigCodec.write(c, ConfigCodec.Format.JSON);
        for (String section : List.of("resources", "groups", "monitors", "policies")) {
            assertThat(ConfigCodec.parseJson(d.json(), com.fasterxml.jackson.databind.JsonNode.class).get(section))
                    .isEqualTo(ConfigCodec.parseJson(file, com.fasterxml.jackson.databind.JsonNode.class).get(section));
        }
        store.replace(F, 1, d.json());
        assertThat(cluster.config.sameContentAs(c)).isTrue();
        assertThat(cluster.config.version()).isEqualTo(2);
    }

    @Test
    void aReplaceOnAnOlderVersionIsRefusedWithoutAProposal() throws Exception {
        store.replace(F, 0, WEB);
        assertThatThrownBy(() -> store.replace(F, 0, "{}")).hasMessageContaining("changed meanwhile")
                .hasMessageContaining("version 1");
        assertThat(cluster.proposedOn).containsExactly(0L);
    }

    @Test
    void refusedWithoutQuorumAndNothingChanges() {
        cluster.quorate = false;
        ClusterConfig before = cluster.config;
        assertThatThrownBy(() -> store.replace(F, 0, WEB)).hasMessageContaining("no quorum");
        assertThat(cluster.config).isSameAs(before);
    }

    @Test
    void badShapesAndReferencesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> store.replace(F, 0, "{\"resources\": [{\"id\": \"a\", \"kind\": \"vip\"}]}"))
                .hasMessageContaining("resources[0]").hasMessageContaining("unknown field 'kind'");
        assertThatThrownBy(() -> store.replace(F, 0, "{\"resources\": ["))
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> store.replace(F, 0, WEB.replace("\"n2\"]", "\"ghost\"]")))
                .hasMessageContaining("unknown node 'ghost'");
        assertThatThrownBy(() -> store.replace(F, 0, "")).hasMessageContaining("empty");
        assertThat(cluster.proposedOn).isEmpty();
    }

    @Test
    void theClusterDoesNotJudgeTheFailoversWords() throws Exception {
        // a policy word or duration the failover bundle would refuse is not the cluster's to judge
        store.replace(F, 0, WEB.replace("\"move\"", "\"sideways\"").replace("\"30s\"", "\"soon\""));
        assertThat(cluster.config.groups().get(0).policy()).containsEntry("on-fail", "sideways");
    }

    @Test
    void listenersHearContentChangesOnly() throws Exception {
        List<ReplicatedDocument> heard = new ArrayList<>();
        store.addListener(F, heard::add);
        store.replace(F, 0, WEB);
        cluster.set(cluster.config.withNodeMode(NodeId.of("n1"), NodeMode.STANDBY).stamped(2, 1));
        assertThat(heard).hasSize(1);
        assertThat(heard.get(0).version()).isEqualTo(1);
        assertThat(heard.get(0).json()).isEqualTo(store.read(F).json());
    }

    @Test
    void unknownDocumentNamesAreRefused() {
        assertThat(store.names()).containsExactly(F);
        assertThatThrownBy(() -> store.read("mirror")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no replicated document 'mirror'");
        assertThatThrownBy(() -> store.replace("mirror", 0, "{}")).isInstanceOf(IllegalArgumentException.class);
    }
}
