package org.duplex.plugin.ping;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link PingCheck} as the {@code ping} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + PingMonitor.TYPE)
public class PingMonitor implements ResourceMonitor {

    public static final String TYPE = "ping";

    private final PingCheck check = new PingCheck();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> validate(Map<String, String> params) {
        return check.validate(params);
    }

    @Override
    public HealthStatus check(Map<String, String> params, Duration timeout) {
        return check.check(params, timeout);
    }
}
