package org.duplex.plugin.mariadb;

import java.time.Duration;
import java.util.List;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link MariadbControl} as the {@code mariadb} resource agent. */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + MariadbControl.TYPE)
public class MariadbAgent implements ResourceAgent {

    private final MariadbControl control = new MariadbControl();

    @Override
    public String type() {
        return MariadbControl.TYPE;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return control.validate(resource.params());
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        return control.start(resource.params(), timeout);
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        return control.stop(resource.params(), timeout);
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException {
        return control.monitor(resource.params(), timeout);
    }
}
