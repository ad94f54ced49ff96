package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.itests.node.DistributionNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three real Duplex nodes (three Karaf processes from the distribution, on one machine, different ports) form a
 * cluster. Killing the coordinator keeps quorum and moves the coordinator with a newer fencing epoch; killing a
 * second node leaves the last one without quorum, obeying the no-quorum policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterNodesIT {

    private static final Pattern COORDINATOR = Pattern.compile("Coordinator: (\\S+)");
    private static final Pattern EPOCH = Pattern.compile("Epoch:\\s+(\\d+)");

    private final Map<String, DistributionNode> nodes = new LinkedHashMap<>();

    @BeforeAll
    void startThreeNodes() throws Exception {
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "cluster3");
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
    void quorumSurvivesOneDeathAndIsLostAfterTwo() throws Exception {
        for (Map.Entry<String, DistributionNode> e : nodes.entrySet()) {
            awaitStatus(e.getValue(), "all three nodes in the view of " + e.getKey(),
                    s -> s.contains("Quorum:      yes") && s.contains("Votes:       3 of 3"));
        }
        String first = status(nodes.get("node1"));
        String coordinator = match(COORDINATOR, first);
        long epoch = Long.parseLong(match(EPOCH, first));
        assertThat(nodes).containsKey(coordinator);
        for (DistributionNode node : nodes.values()) {
            assertThat(match(COORDINATOR, status(node))).as("every node names the same coordinator")
                    .isEqualTo(coordinator);
        }

        // Kill the coordinator outright: the other two keep quorum and elect a new coordinator in a newer term.
        nodes.get(coordinator).kill();
        List<String> survivors = new ArrayList<>(nodes.keySet());
        survivors.remove(coordinator);
        for (String id : survivors) {
            awaitStatus(nodes.get(id), id + " keeps quorum with 2 of 3 votes and a new coordinator",
                    s -> s.contains("Quorum:      yes") && s.contains("Votes:       2 of 3")
                            && survivors.contains(match(COORDINATOR, s)));
        }
        String after = status(nodes.get(survivors.get(0)));
        String newCoordinator = match(COORDINATOR, after);
        assertThat(newCoordinator).isNotEqualTo(coordinator);
        assertThat(Long.parseLong(match(EPOCH, after))).as("fencing epoch of the new term").isGreaterThan(epoch);
        assertThat(match(COORDINATOR, status(nodes.get(survivors.get(1))))).isEqualTo(newCoordinator);

        // Kill a second node: the last one is a minority of 1 of 3 and must stop acting.
        String victim = survivors.get(0);
        String last = survivors.get(1);
        nodes.get(victim).kill();
        awaitStatus(nodes.get(last), last + " alone loses quorum and applies the no-quorum policy",
                s -> s.contains("Quorum:      NO")
                        && s.toLowerCase(java.util.Locale.ROOT).contains("coordinator: none (no quorum: policy stop)"));
    }

    private static void awaitStatus(DistributionNode node, String what, java.util.function.Predicate<String> ok) {
        String[] last = {""};
        try {
            await(what).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = status(node);
                return ok.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(what + "; last ha:status was:\n" + last[0], e);
        }
    }

    private static String status(DistributionNode node) throws Exception {
        DistributionNode.Result r = node.client("ha:status");
        return r.exitCode() == 0 ? r.output() : "";
    }

    private static String match(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
