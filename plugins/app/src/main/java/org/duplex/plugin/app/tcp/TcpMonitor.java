package org.duplex.plugin.app.tcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link TcpCheck} as the {@code tcp} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + TcpMonitor.TYPE)
public class TcpMonitor implements ResourceMonitor {

    public static final String TYPE = "tcp";

    private final TcpCheck check = new TcpCheck();

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
