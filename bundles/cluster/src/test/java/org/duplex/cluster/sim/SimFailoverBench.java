package org.duplex.cluster.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Benchmark (not a test): simulated failover time for a cluster kind. Usage: SimFailoverBench KIND TRIALS SEED */
public final class SimFailoverBench {

    private SimFailoverBench() {
    }

    public static void main(String[] args) {
        ClusterSimulation.Kind kind = ClusterSimulation.Kind.valueOf(args[0]);
        int trials = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        List<Double> ms = new ArrayList<>(new ClusterSimulation(seed, kind).failoverTrials(trials));
        Collections.sort(ms);
        double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2)
                : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
        System.out.printf("RESULT simulated %s: median %.0f ms, max %.0f ms over %d trials%n", kind, median,
                ms.get(ms.size() - 1), ms.size());
    }
}
