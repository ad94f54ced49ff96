package org.duplex.plugin.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link ProcessCheck} as the {@code process} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + ProcessCheck.TYPE)
public class ProcessMonitor implements ResourceMonitor {

    private final ProcessCheck check = new ProcessCheck();

    @Override
    public String type() {
        return ProcessCheck.TYPE;
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
