package org.duplex.failover.replicated;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.duplex.api.cluster.ReplicatedDocument;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.store.FailoverConfigStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover configuration kept in the cluster's replicated {@code failover} document: a resource or group saved
 * on any node is committed by the coordinator (only in a quorate partition, versions never going backwards) and
 * reaches every node. The cluster stores the document; this class alone knows what it means
 * ({@link FailoverDocument}). A committed version that does not map (written by {@code ha:config-import}, which
 * checks only names and references) is not used: the last good configuration stays, with a warning and
 * {@link #problem()}.
 */
public final class ReplicatedFailoverConfigStore implements FailoverConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedFailoverConfigStore.class);

    private final ReplicatedDocuments documents;
    private FailoverConfig lastGood = FailoverConfig.EMPTY;
    private String lastSource;
    private long lastWarned = -1;
    private volatile String problem;

    public ReplicatedFailoverConfigStore(ReplicatedDocuments documents) {
        this.documents = documents;
    }

    @Override
    public FailoverConfig load() {
        return map(documents.read(ReplicatedDocuments.FAILOVER));
    }

    /** Why the newest committed document is not in use, if it is not. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private synchronized FailoverConfig map(ReplicatedDocument d) {
        if (d.json().equals(lastSource)) {
            return lastGood;
        }
        lastSource = d.json();
        try {
            lastGood = FailoverDocument.read(d.json());
            problem = null;
        } catch (IllegalArgumentException e) {
            problem = "cluster configuration version " + d.version() + " is not usable by the failover engine ("
                    + e.getMessage() + "); the previous failover configuration stays in force. Fix it with "
                    + "ha:config-import.";
            if (lastWarned != d.version()) {
                lastWarned = d.version();
                LOG.warn("{}", problem);
            }
        }
        return lastGood;
    }

    @Override
    public void save(FailoverConfig expected, FailoverConfig updated) throws IOException {
        ReplicatedDocument base = documents.read(ReplicatedDocuments.FAILOVER);
        FailoverConfig current = map(base);
        if (!current.equals(expected)) {
            throw new IOException("the failover configuration changed meanwhile (cluster configuration version "
                    + base.version() + "); reload and retry");
        }
        String json;
        try {
            json = FailoverDocument.write(base.json(), updated);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        documents.replace(ReplicatedDocuments.FAILOVER, base.version(), json);
    }

    @Override
    public AutoCloseable addListener(Consumer<FailoverConfig> listener) {
        AtomicReference<FailoverConfig> seen = new AtomicReference<>(load());
        return documents.addListener(ReplicatedDocuments.FAILOVER, d -> {
            FailoverConfig after = map(d);
            if (!after.equals(seen.getAndSet(after))) {
                listener.accept(after);
            }
        });
    }
}
