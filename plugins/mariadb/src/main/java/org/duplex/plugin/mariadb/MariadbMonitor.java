package org.duplex.plugin.mariadb;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link MariadbHealthCheck} as the {@code mariadb} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + MariadbHealthCheck.TYPE)
public class MariadbMonitor implements ResourceMonitor {

    private final MariadbHealthCheck check = new MariadbHealthCheck();

    @Override
    public String type() {
        return MariadbHealthCheck.TYPE;
    }

    @Override
    public List<String> validate(Map<String, String> params) {
        return check.validate(params);
    }

    @Override
    public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        return check.check(params, timeout);
    }
}
