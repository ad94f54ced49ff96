package org.duplex.plugin.mariadb;

import java.time.Duration;
import java.util.List;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.PromotableAgent;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.NodeId;
import org.duplex.api.model.Resource;
import org.osgi.service.component.annotations.Component;

/**
 * Publishes {@link MariadbControl} as the {@code mariadb} resource agent; with {@code promotable=true} the resource
 * is run in replication mode ({@link MariadbReplication}, GTID replication): start makes a primary, follow a
 * read-only replica, promote turns a replica into the primary.
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + MariadbControl.TYPE)
public class MariadbAgent implements PromotableAgent {

    private final MariadbControl control = new MariadbControl();
    private final MariadbReplication replication = new MariadbReplication();

    @Override
    public String type() {
        return MariadbControl.TYPE;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return replication.validate(resource.params());
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        return promotable(resource) ? replication.startPrimary(resource.params(), timeout)
                : control.start(resource.params(), timeout);
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        return control.stop(resource.params(), timeout);
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException {
        return promotable(resource) ? replication.monitor(resource.params(), timeout)
                : control.monitor(resource.params(), timeout);
    }

    @Override
    public OperationResult follow(Resource resource, NodeId primary, Duration timeout) throws InterruptedException {
        return replication.follow(resource.params(), primary.toString(), timeout);
    }

    @Override
    public OperationResult promote(Resource resource, Duration timeout) throws InterruptedException {
        return replication.promote(resource.params(), timeout);
    }

    @Override
    public ReplicaStatus status(Resource resource, Duration timeout) throws InterruptedException {
        return replication.status(resource.params(), timeout);
    }

    private static boolean promotable(Resource r) {
        return "true".equalsIgnoreCase(r.params().getOrDefault(PROMOTABLE_PARAM, "false").strip());
    }
}
