package org.duplex.cluster.failover;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.duplex.api.failover.FailoverConfig;
import org.duplex.api.failover.FailoverConfigStore;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.documents.ReplicatedConfig;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.core.ProposeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FailoverConfigStore} on the cluster's replicated configuration: a resource or group saved on any node is
 * committed by the coordinator (only in a quorate partition, versions never going backwards) and reaches every
 * node. The mapping is {@link FailoverMapping}.
 */
public final class ReplicatedFailoverConfigStore implements FailoverConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedFailoverConfigStore.class);

    private final ReplicatedConfig cluster;
    private final Duration commitTimeout;
    private FailoverConfig lastGood = FailoverConfig.EMPTY;
    private long lastWarned = -1;
    private ClusterConfig lastSource;

    /** @param commitTimeout how long a save forwarded to the coordinator waits to see its commit */
    public ReplicatedFailoverConfigStore(ReplicatedConfig cluster, Duration commitTimeout) {
        this.cluster = cluster;
        this.commitTimeout = commitTimeout;
    }

    @Override
    public synchronized FailoverConfig load() {
        return map(cluster.config());
    }

    private synchronized FailoverConfig map(ClusterConfig c) {
        if (c == lastSource) {
            return lastGood;
        }
        lastSource = c;
        try {
            lastGood = FailoverMapping.toFailover(c);
        } catch (IllegalArgumentException e) {
            if (lastWarned != c.version()) {
                lastWarned = c.version();
                LOG.warn("Cluster configuration version {} has resources/groups the failover engine cannot use ({});"
                        + " keeping the previous failover configuration. Fix it with ha:config-import.",
                        c.version(), e.getMessage());
            }
        }
        return lastGood;
    }

    @Override
    public void save(FailoverConfig expected, FailoverConfig updated) throws IOException {
        ClusterConfig base = cluster.config();
        FailoverConfig current = map(base);
        if (!current.equals(expected)) {
            throw new IOException("the failover configuration changed meanwhile (cluster configuration version "
                    + base.version() + "); reload and retry");
        }
        ClusterConfig candidate;
        try {
            candidate = FailoverMapping.toCluster(base, updated);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        java.util.List<String> problems = ConfigValidator.problems(candidate);
        if (!problems.isEmpty()) {
            throw new IOException("the cluster configuration would be invalid: " + String.join("; ", problems));
        }
        ProposeResult r = cluster.propose(candidate, base.version());
        switch (r.status()) {
            case REJECTED:
                throw new IOException("cluster refused the change: " + r.message());
            case APPLIED:
                return;
            default:
                awaitCommit(base.version(), candidate);
        }
    }

    /** A change forwarded to the coordinator: wait (bounded) until it comes back committed. */
    private void awaitCommit(long baseVersion, ClusterConfig candidate) throws IOException {
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            ClusterConfig now = cluster.config();
            if (now.version() > baseVersion) {
                if (now.sameContentAs(candidate.stamped(now.version(), now.epoch()))) {
                    return;
                }
                throw new IOException("another change (version " + now.version() + ") was committed first; reload"
                        + " and retry");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the coordinator's commit", e);
            }
        }
        throw new IOException("forwarded to the coordinator but not committed within " + commitTimeout.toMillis()
                + " ms (coordinator changing, or the change was refused: see the coordinator's log)");
    }

    @Override
    public AutoCloseable addListener(Consumer<FailoverConfig> listener) {
        java.util.concurrent.atomic.AtomicReference<FailoverConfig> seen = new java.util.concurrent.atomic
                .AtomicReference<>(load());
        return cluster.addConfigListener(c -> {
            FailoverConfig after = map(c);
            if (!after.equals(seen.getAndSet(after))) {
                listener.accept(after);
            }
        });
    }
}
