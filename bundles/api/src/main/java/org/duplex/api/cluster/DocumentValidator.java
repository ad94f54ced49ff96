package org.duplex.api.cluster;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a replicated document for the bundle that owns it, so that a whole new cluster configuration
 * ({@code ha:config-import}) with a bad document is refused at once, naming what is wrong, instead of being
 * committed and then ignored by the owner. Registered as a service with the property {@link #DOCUMENT} = the
 * document's name ({@link ReplicatedDocuments#FAILOVER}). The cluster calls it before it proposes; the owner still
 * reads every committed version defensively (an older node may have written it). Since 1.5.
 */
@ConsumerType
public interface DocumentValidator {

    /** The service property naming the document a validator checks. */
    String DOCUMENT = "document";

    /** What is wrong with this version of the document, each problem naming its place; empty when it is valid. */
    List<String> problems(String json);
}
