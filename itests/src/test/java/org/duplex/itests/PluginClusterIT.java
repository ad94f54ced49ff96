package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ha:plugin-install / ha:plugin-remove across three real nodes (Karaf processes from the distribution, one
 * machine): with node3 not running the plug-in goes onto node1 and node2 and the command names node3 unreachable;
 * node3 installs it when it joins; node3 killed, the plug-in removed, node3 restarted removes it too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginClusterIT {

    private static final String PLUGIN = "duplex-plugin-template";

    private final Map<String, DistributionNode> nodes = new LinkedHashMap<>();

    @BeforeAll
    void unpackThreeNodesStartTwo() throws Exception {
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "plugin-cluster");
        Path assembly = Paths.get(DuplexContainer.required("duplex.assembly"));
        // two of three may form the cluster before the third was ever seen (it joins later here)
        nodes.putAll(LocalCluster.unpack(assembly, work, List.of("node1", "node2", "node3"), false));
        assertThat(nodes.get("node1").start().exitCode()).isZero();
        assertThat(nodes.get("node2").start().exitCode()).isZero();
    }

    @AfterAll
    void killAll() throws Exception {
        for (DistributionNode node : nodes.values()) {
            node.kill();
        }
    }

    @Test
    void installedEverywhereReachableThenOnJoinRemovedEverywhereThenOnRestart() throws Exception {
        DistributionNode n1 = nodes.get("node1");
        DistributionNode n2 = nodes.get("node2");
        DistributionNode n3 = nodes.get("node3");
        awaitOutput(n1, "ha:status", "node1 and node2 form a quorate cluster without node3",
                s -> s.contains("Quorum:      yes") && s.contains("Votes:       2 of 3"));
        awaitOutput(n1, "ha:plugin-list", "the plug-in commands on node1", s -> s.contains("Cluster plug-in set"));

        DistributionNode.Result install = n1.client("ha:plugin-install " + PLUGIN);
        System.out.println(install.output());
        assertThat(install.exitCode()).as("node3 does not have it: the command fails").isNotZero();
        assertThat(install.output()).containsPattern("node1 +installed").containsPattern("node2 +installed")
                .containsPattern("node3 +UNREACHABLE +not in the cluster view").contains("Installed on 2 of 3 nodes");
        assertThat(n2.client("ha:monitors").output()).contains("template");

        // node3 joins later: it reads the plug-in set from the replicated configuration and installs it
        assertThat(n3.start().exitCode()).isZero();
        awaitOutput(n1, "ha:plugin-list", "node3 joined and installed " + PLUGIN,
                s -> s.matches("(?s).*" + PLUGIN + " +node3 +installed.*"));
        assertThat(n3.client("ha:monitors").output()).contains("template");

        // node3 dies; the plug-in is removed meanwhile (from node2, not the node the install ran on)
        n3.kill();
        awaitOutput(n2, "ha:status", "node2 sees node3 gone and keeps quorum",
                s -> s.contains("Quorum:      yes") && s.contains("Votes:       2 of 3"));
        DistributionNode.Result remove = n2.client("ha:plugin-remove " + PLUGIN);
        System.out.println(remove.output());
        assertThat(remove.output()).containsPattern("node1 +absent +removed").containsPattern("node2 +absent +removed")
                .containsPattern("node3 +UNREACHABLE").contains("Removed on 2 of 3 nodes");
        assertThat(n1.client("ha:monitors").output()).doesNotContain("template");

        // node3 restarts with the plug-in still installed (Karaf keeps its features): it removes it on rejoining
        assertThat(n3.start().exitCode()).isZero();
        awaitOutput(n3, "ha:plugin-list", "node3 restarted and converged to the empty set",
                s -> s.contains("): empty") && !s.matches("(?s).*" + PLUGIN + " +node3 +installed.*")
                        && s.matches("(?s).*Available here, not in the set: .*" + PLUGIN + ".*"));
        awaitOutput(n3, "ha:monitors", "the template monitor gone from node3", s -> !s.contains("template"));
        System.out.println(n1.client("ha:plugin-list").output());
    }

    private static void awaitOutput(DistributionNode node, String command, String what,
                                    ThrowingPredicate ok) {
        String[] last = {""};
        try {
            await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                DistributionNode.Result r = node.client(command);
                last[0] = r.output();
                return r.exitCode() == 0 && ok.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; last " + command + " printed:\n" + last[0], e);
        }
    }

    @FunctionalInterface
    interface ThrowingPredicate {
        boolean test(String s) throws Exception;
    }
}
