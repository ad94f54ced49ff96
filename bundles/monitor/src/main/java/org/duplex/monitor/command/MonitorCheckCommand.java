package org.duplex.monitor.command;

import java.time.Duration;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.monitor.registry.MonitorRegistryComponent;

@Command(scope = "ha", name = "monitor-check", description = "Runs one health check now, e.g. ha:monitor-check ping host=10.0.0.1")
@Service
public class MonitorCheckCommand implements Action {

    @Reference
    MonitorRegistryComponent registry;

    @Argument(index = 0, name = "type", required = true, description = "monitor type (see ha:monitors)")
    String type;

    @Argument(index = 1, name = "params", multiValued = true, description = "parameters as key=value")
    List<String> params;

    @Option(name = "--timeout", description = "timeout in milliseconds (default: default.timeout.ms of org.duplex.monitor)")
    Long timeoutMs;

    @Override
    public Object execute() throws Exception {
        if (timeoutMs == null) {
            timeoutMs = registry.defaultTimeout().toMillis();
        }
        if (timeoutMs <= 0 || timeoutMs > 600_000) {
            // thrown, not printed to System.err: Karaf then reports it and bin/client exits non-zero
            throw new IllegalArgumentException("--timeout: " + timeoutMs + " ms is outside 1-600000");
        }
        HealthStatus status = registry.checkAnyway(type, KeyValueArgs.parse(params), Duration.ofMillis(timeoutMs));
        System.out.println(status.health() + ": " + status.reason());
        return null;
    }
}
