package org.duplex.plugin.os.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link LoadCheck} as the {@code load} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + LoadCheck.TYPE)
public class LoadMonitor implements ResourceMonitor {

    private final LoadCheck check = new LoadCheck();

    @Override
    public String type() {
        return LoadCheck.TYPE;
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
