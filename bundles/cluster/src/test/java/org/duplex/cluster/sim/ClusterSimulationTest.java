package org.duplex.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * At least 1,000 seeded simulation runs across 2 (disk lease), 2+witness, 3, 5 and 32 nodes. A failure names its
 * seed; replay one with {@code -Dsim.seed=N}, run more with {@code scripts/bench/cluster-sim.sh}.
 */
class ClusterSimulationTest {

    @Test
    void seededRunsKeepTheInvariants() {
        String one = System.getProperty("sim.seed");
        long first = Long.getLong("sim.firstSeed", 1);
        int count = one != null ? 1 : Integer.getInteger("sim.runs", 1000);
        Map<ClusterSimulation.Kind, Integer> perKind = new EnumMap<>(ClusterSimulation.Kind.class);
        Map<ClusterSimulation.Kind, Long> nanos = new EnumMap<>(ClusterSimulation.Kind.class);
        int terms = 0;
        int applied = 0;
        for (int i = 0; i < count; i++) {
            long seed = one != null ? Long.parseLong(one) : first + i;
            ClusterSimulation sim = ClusterSimulation.forSeed(seed);
            boolean big = sim.kind() == ClusterSimulation.Kind.MAJORITY_32;
            long t0 = System.nanoTime();
            sim.run(big ? 120 : 300, big ? 120 : 200);
            nanos.merge(sim.kind(), System.nanoTime() - t0, Long::sum);
            perKind.merge(sim.kind(), 1, Integer::sum);
            terms += sim.terms;
            applied += sim.appliedEdits;
        }
        System.out.println("simulation: " + count + " runs " + perKind + ", " + terms + " coordinator terms, "
                + applied + " configuration edits accepted; ms per kind: " + nanos.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList());
        assertThat(perKind.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
        if (one == null && count >= 100) {
            assertThat(perKind).hasSize(ClusterSimulation.Kind.values().length);
        }
    }
}
