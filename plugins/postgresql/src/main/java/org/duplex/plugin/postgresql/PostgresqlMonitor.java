package org.duplex.plugin.postgresql;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link PgHealthCheck} as the {@code postgresql} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + PgHealthCheck.TYPE)
public class PostgresqlMonitor implements ResourceMonitor {

    private final PgHealthCheck check = new PgHealthCheck();

    @Override
    public String type() {
        return PgHealthCheck.TYPE;
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
