package org.duplex.plugin.os.readonly;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link ReadonlyCheck} as the {@code readonly} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + ReadonlyCheck.TYPE)
public class ReadonlyMonitor implements ResourceMonitor {

    private final ReadonlyCheck check = new ReadonlyCheck();

    @Override
    public String type() {
        return ReadonlyCheck.TYPE;
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
