package org.duplex.mirror.engine;

import org.duplex.api.cluster.FencingEpoch;

/**
 * What the volume lock asks of the cluster: is this node in the quorate partition, and which epoch is current.
 * The DS component adapts ClusterService to it; tests pass a lambda-backed fake.
 */
public interface QuorumGate {

    boolean quorate();

    FencingEpoch epoch();

    /** For a volume used without a cluster (tests, standalone tools): always quorate at epoch 1. */
    static QuorumGate standalone() {
        return new QuorumGate() {
            @Override
            public boolean quorate() {
                return true;
            }

            @Override
            public FencingEpoch epoch() {
                return new FencingEpoch(1);
            }
        };
    }
}
