package org.duplex.plugin.app.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link HttpCheck} as the {@code http} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + HttpMonitor.TYPE)
public class HttpMonitor implements ResourceMonitor {

    public static final String TYPE = "http";

    private final HttpCheck check = new HttpCheck();

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
