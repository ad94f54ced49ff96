package org.duplex.plugin.os.command;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link CommandCheck} as the {@code command} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + CommandCheck.TYPE)
public class CommandMonitor implements ResourceMonitor {

    private final CommandCheck check = new CommandCheck();

    @Override
    public String type() {
        return CommandCheck.TYPE;
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
