package org.duplex.cluster.documents;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.ConfigCodec;
import org.duplex.cluster.config.ConfigException;
import org.duplex.cluster.config.ConfigValidator;
import org.duplex.cluster.core.ProposeResult;

/**
 * {@link ReplicatedDocuments} on the replicated cluster configuration. The {@code failover} document is the
 * configuration's resources, groups, monitors and policies sections ({@link FailoverSections}), so files, the wire
 * and {@code ha:config-export} keep their format. A change saved on any node is committed by the coordinator (only
 * in a quorate partition, versions never going backwards) and reaches every node. What the sections mean (timeouts,
 * policy words, monitor reactions) is the failover bundle's business; this store checks what
 * {@link ConfigValidator} checks: names, duplicates, references, nodes.
 */
public final class ReplicatedDocumentStore implements ReplicatedDocuments {

    private final ReplicatedConfig cluster;
    private final Duration commitTimeout;
    /** The failover engine reads the document every round: render it once per snapshot. */
    private volatile Rendered rendered;

    private record Rendered(ClusterConfig source, ReplicatedDocument document) {
    }

    /** @param commitTimeout how long a change forwarded to the coordinator waits to see its commit */
    public ReplicatedDocumentStore(ReplicatedConfig cluster, Duration commitTimeout) {
        this.cluster = cluster;
        this.commitTimeout = commitTimeout;
    }

    @Override
    public Set<String> names() {
        return Set.of(FAILOVER);
    }

    @Override
    public ReplicatedDocument read(String name) {
        known(name);
        ClusterConfig c = cluster.config();
        Rendered r = rendered;
        if (r != null && r.source() == c) {
            return r.document();
        }
        ReplicatedDocument d = document(name, c);
        rendered = new Rendered(c, d);
        return d;
    }

    private static ReplicatedDocument document(String name, ClusterConfig c) {
        known(name);
        return new ReplicatedDocument(name, c.version(), c.epoch(), ConfigCodec.toJson(FailoverSections.of(c)));
    }

    private static void known(String name) {
        if (!FAILOVER.equals(name)) {
            throw new IllegalArgumentException("no replicated document '" + name + "' (known: " + FAILOVER + ")");
        }
    }

    @Override
    public void replace(String name, long baseVersion, String json) throws IOException {
        known(name);
        ClusterConfig base = cluster.config();
        if (base.version() != baseVersion) {
            throw new IOException("the " + name + " document changed meanwhile (cluster configuration version "
                    + base.version() + ", prepared on " + baseVersion + "); reload and retry");
        }
        FailoverSections sections;
        try {
            sections = ConfigCodec.parseJson(json, FailoverSections.class);
        } catch (ConfigException e) {
            throw new IOException("the " + name + " document is not valid: " + String.join("; ", e.problems()), e);
        }
        ClusterConfig candidate = sections.into(base);
        List<String> problems = ConfigValidator.problems(candidate);
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
    public AutoCloseable addListener(String name, Consumer<ReplicatedDocument> listener) {
        known(name);
        AtomicReference<String> seen = new AtomicReference<>(read(name).json());
        return cluster.addConfigListener(c -> {
            ReplicatedDocument d = document(name, c);
            if (!d.json().equals(seen.getAndSet(d.json()))) {
                listener.accept(d);
            }
        });
    }
}
