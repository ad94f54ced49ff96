package org.duplex.api.cluster;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Named documents the cluster replicates without interpreting them. The bundle that owns a document reads it,
 * maps it to its own model and writes it back; the cluster orders the writes (committed by the quorate
 * coordinator as a compare-and-set on the configuration version, versions never going backwards, every node
 * seeing whole snapshots) and checks only the document's shape and its references to the cluster's own nodes.
 * The cluster never calls back into the owner. Since 1.4.
 */
@ProviderType
public interface ReplicatedDocuments {

    /**
     * The failover configuration: a JSON object with {@code resources}, {@code groups}, {@code monitors} and
     * {@code policies}, in the shape those sections have in the cluster configuration file.
     */
    String FAILOVER = "failover";

    /** The names of the documents this cluster stores. */
    Set<String> names();

    /** The document as of the current snapshot; throws IllegalArgumentException for an unknown name. */
    ReplicatedDocument read(String name);

    /**
     * Replaces the document cluster-wide if the configuration is still at {@code baseVersion}, and returns once the
     * change is committed (a change forwarded to the coordinator waits, bounded, for its commit to come back).
     *
     * @throws IOException refused: changed meanwhile, no quorum, not valid JSON of the document's shape, the cluster
     *                     configuration would be invalid, or not committed in time; the message says which
     */
    void replace(String name, long baseVersion, String json) throws IOException;

    /**
     * Calls {@code listener} (from the cluster's own thread; keep it short) with every snapshot in which the
     * document's content changed; returns a handle that removes it.
     */
    AutoCloseable addListener(String name, Consumer<ReplicatedDocument> listener);
}
