package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.duplex.itests.node.DistributionNode;
import org.duplex.itests.node.NextBuild;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 17's three-node rolling upgrade: three real nodes from the distribution (one machine, different ports, no
 * root needed) move from this build to N+1 ({@code scripts/upgrade/make-next.sh}) one at a time with
 * {@code bin/duplex-upgrade} and the offline KAR. After each step all three are in the view with quorum, and until
 * the last node runs N+1 the addition N+1 brings (cluster labels) is refused; afterwards it applies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpgradeThreeNodesIT {

    private final Map<String, DistributionNode> nodes = new LinkedHashMap<>();
    private Path kar;
    private String version;
    private String nextVersion;

    @BeforeAll
    void startThreeNodes() throws Exception {
        Path root = Paths.get(DuplexContainer.required("duplex.root"));
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "upgrade3");
        version = DuplexContainer.required("duplex.version");
        kar = NextBuild.kar(root, Paths.get(DuplexContainer.required("duplex.workDir"), "next"));
        nextVersion = NextBuild.version(kar);
        Path assembly = Paths.get(DuplexContainer.required("duplex.assembly"));
        nodes.putAll(LocalCluster.unpack(assembly, work, List.of("node1", "node2", "node3"), true));
        for (DistributionNode node : nodes.values()) {
            assertThat(node.start().exitCode()).isZero();
        }
    }

    @AfterAll
    void killAll() throws Exception {
        for (DistributionNode node : nodes.values()) {
            node.kill();
        }
    }

    @Test
    void oneNodeAtATimeWithQuorumThroughoutAndTheAdditionOffUntilTheLast() throws Exception {
        awaitAllThree("before the upgrade");
        int upgraded = 0;
        for (String id : List.of("node3", "node2", "node1")) {
            DistributionNode.Result r = nodes.get(id).run(Duration.ofMinutes(6), "bin/duplex-upgrade", kar.toString());
            System.out.println("UpgradeThreeNodesIT bin/duplex-upgrade on " + id + ":\n" + r.output());
            assertThat(r.exitCode()).as("bin/duplex-upgrade on " + id + ":\n" + r.output()).isZero();
            upgraded++;
            awaitAllThree("after " + id + " went to " + nextVersion);
            String status = nodes.get("node1").client("ha:upgrade-status").output();
            assertThat(status).containsPattern(id + " +" + Pattern.quote(nextVersion) + " +3 +member");
            DistributionNode.Result label = nodes.get(id).client("ha:cluster-label site east");
            if (upgraded < 3) {
                assertThat(label.exitCode()).as("labels while a node still runs " + version).isNotZero();
                assertThat(label.output()).contains("needs every node at protocol level 3")
                        .contains("runs level 2 (Duplex " + version + ")");
            } else {
                assertThat(label.exitCode()).as(label.output()).isZero();
                assertThat(label.output()).contains("Applied");
            }
        }
        for (DistributionNode node : nodes.values()) {
            assertThat(node.client("ha:config-show").output()).contains("site: east");
            assertThat(node.client("ha:upgrade-status").output())
                    .contains("Cluster:     protocol level 3 in use")
                    .contains("Config:      version").contains("needs protocol level 3");
        }
    }

    private void awaitAllThree(String when) {
        for (Map.Entry<String, DistributionNode> e : nodes.entrySet()) {
            String[] last = {""};
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    DistributionNode.Result r = e.getValue().client("ha:status");
                    last[0] = r.output();
                    return r.exitCode() == 0 && last[0].contains("Quorum:      yes")
                            && last[0].contains("Votes:       3 of 3");
                });
            } catch (org.awaitility.core.ConditionTimeoutException ex) {
                throw new AssertionError(e.getKey() + " not quorate with all three " + when + "; last ha:status:\n"
                        + last[0], ex);
            }
        }
    }
}
