package org.duplex.api.cluster;

import java.util.Objects;

/**
 * One named document of the replicated configuration, as of one configuration snapshot.
 *
 * @param name    the document's name ({@link ReplicatedDocuments#names()})
 * @param version the replicated configuration's version this was read at: the base of a
 *                {@link ReplicatedDocuments#replace(String, long, String) replace}
 * @param epoch   the fencing epoch of the coordinator term that committed that version
 * @param json    the document, a JSON object; its meaning belongs to the bundle that owns it, not to the cluster
 */
public record ReplicatedDocument(String name, long version, long epoch, String json) {

    public ReplicatedDocument {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(json, "json");
    }
}
