package org.duplex.api.agent;

import java.time.Duration;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An agent whose resource runs on several nodes at once in two roles: one <em>primary</em> where its group is
 * active, and <em>standbys</em> on the group's other nodes that follow the primary (PostgreSQL streaming
 * replication, MariaDB GTID replication, the block mirror). The idea is Pacemaker's promotable clone; the
 * difference is that the engine, not the agent, chooses whom to promote, from the {@link ReplicaStatus positions}
 * the agents report, so that the most up-to-date copy wins and a copy known to be behind is never promoted
 * silently.
 *
 * <p>The engine uses the operations of {@link ResourceAgent} with the primary's meaning ({@code start} starts a
 * primary where no other copy can be ahead, {@code stop} stops the local copy whatever its role, {@code monitor}
 * answers SUCCESS for a healthy copy of either role) and adds three:
 * <ul>
 *   <li>{@link #follow}: run here as a standby of {@code primary}, whatever the local copy is now (stopped: start
 *       it as a standby; a standby of another node: point it at {@code primary}; a former primary that is stopped:
 *       rewind it onto {@code primary}'s history first). Never leaves a writable primary behind.</li>
 *   <li>{@link #promote}: turn the local standby into the primary, once the engine has made sure no other primary
 *       runs. Promoting a primary succeeds.</li>
 *   <li>{@link #status}: the local copy's role and replication position, read-only.</li>
 * </ul>
 * A resource is run this way when its configuration says {@value #PROMOTABLE_PARAM}{@code =true}; an agent that
 * does not implement this interface is refused for such a resource.
 *
 * <p>Demotion is not an operation of its own: the engine stops the old primary (a clean stop lets the standbys
 * receive everything it wrote) and then tells it to {@link #follow} the new one.
 */
@ConsumerType
public interface PromotableAgent extends ResourceAgent {

    /** Resource parameter, read by the engine: {@code true} runs the resource as primary plus standbys. */
    String PROMOTABLE_PARAM = "promotable";

    /**
     * Resource parameter, read by the engine: the largest distance (in the agent's unit, {@link
     * ReplicationPosition#unit()}) a standby may be behind the most advanced known position and still be promoted
     * without the operator's consent. Default 0 for synchronous replication semantics: only a standby that has
     * everything the cluster last saw may be promoted automatically.
     */
    String MAX_LAG_PARAM = "promote-max-lag";

    /**
     * Resource parameter, read by the engine: the node the operator accepts to promote although it is behind
     * (the data at risk is named in the history). Set it, let the engine promote, remove it.
     */
    String FORCE_PARAM = "promote-force";

    /** Resource parameter, read by the agent: where each node's copy is reached, {@code node1:10.0.0.1,...}. */
    String HOSTS_PARAM = "hosts";

    OperationResult follow(Resource resource, NodeId primary, Duration timeout) throws InterruptedException;

    OperationResult promote(Resource resource, Duration timeout) throws InterruptedException;

    /**
     * The local copy's role and position. {@link ReplicaStatus#stopped} when nothing runs but the position of
     * the data on disk is known (from the last checkpoint), so a whole cluster that was stopped can be started
     * from its most advanced copy.
     */
    ReplicaStatus status(Resource resource, Duration timeout) throws InterruptedException;
}
