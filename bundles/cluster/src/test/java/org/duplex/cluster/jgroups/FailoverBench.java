package org.duplex.cluster.jgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark (not a test): time from killing the coordinator's JVM (SIGKILL) to the first STATE line of a survivor
 * reporting a quorate view without it and with a new coordinator. Uses the children's System.nanoTime
 * (CLOCK_MONOTONIC, shared by all processes on Linux). Usage: FailoverBench NODES TRIALS [key=value...]
 */
public final class FailoverBench {

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int trials = Integer.parseInt(args[1]);
        List<String> extra = new ArrayList<>(List.of(args).subList(2, args.length));
        Path dir = Files.createTempDirectory("duplex-bench");
        if (n == 2) {
            extra.addAll(List.of("two_node=true", "tiebreaker.type=disk", "tiebreaker.disk.path=" + dir.resolve("lease")));
        }
        List<Double> ms = new ArrayList<>();
        try (ProcessCluster c = new ProcessCluster(dir)) {
            String members = c.members(n, null);
            for (int i = 0; i < n; i++) {
                c.start("n" + (i + 1), i, members, extra.toArray(new String[0]));
            }
            String all = allNodes(n);
            for (int i = 0; i < n; i++) {
                c.await("n" + (i + 1), s -> s.quorate() && s.members().equals(all) && !"-".equals(s.coordinator()),
                        60_000, "initial quorate view");
            }
            for (int t = 0; t < trials; t++) {
                String victim = c.latest.get("n2").coordinator();
                int victimIndex = Integer.parseInt(victim.substring(1)) - 1;
                String survivor = victim.equals("n1") ? "n2" : "n1";
                int before = c.history.size();
                long killedAt = System.nanoTime();
                c.kill(victim);
                ProcessCluster.State s = c.await(survivor, x -> x.quorate() && !x.members().contains(victim)
                        && !"-".equals(x.coordinator()) && !victim.equals(x.coordinator()), 30_000, "failover");
                long at = c.history.subList(before, c.history.size()).stream()
                        .filter(x -> x.node().equals(survivor) && x.quorate() && !x.members().contains(victim)
                                && !"-".equals(x.coordinator()) && !victim.equals(x.coordinator()))
                        .mapToLong(ProcessCluster.State::t).min().orElse(s.t());
                ms.add((at - killedAt) / 1e6);
                System.out.printf("trial %2d: killed %s, %s quorate with coordinator %s after %.0f ms%n", t + 1,
                        victim, survivor, s.coordinator(), (at - killedAt) / 1e6);
                c.start(victim, victimIndex, members, extra.toArray(new String[0]));
                for (int i = 0; i < n; i++) {
                    c.await("n" + (i + 1), x -> x.quorate() && x.members().equals(all)
                            && !"-".equals(x.coordinator()), 60_000, "rejoined");
                }
                Thread.sleep(500);
            }
        }
        Collections.sort(ms);
        double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2)
                : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
        System.out.printf("RESULT real %d nodes: median %.0f ms, max %.0f ms over %d trials%n", n, median,
                ms.get(ms.size() - 1), ms.size());
        System.exit(0);
    }

    private static String allNodes(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add("n" + i);
        }
        Collections.sort(l);
        return String.join(",", l);
    }
}
