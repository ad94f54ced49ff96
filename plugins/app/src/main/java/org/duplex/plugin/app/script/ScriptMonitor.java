package org.duplex.plugin.app.script;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link ScriptCheck} as the {@code script} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + ScriptMonitor.TYPE)
public class ScriptMonitor implements ResourceMonitor {

    public static final String TYPE = "script";

    private final ScriptCheck check = new ScriptCheck();

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
