package org.duplex.monitor.registry;

import java.time.Duration;
import java.util.Map;
import java.util.SortedSet;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.MonitorAdmin;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * DS wiring: every ResourceMonitor service a plug-in registers joins the registry, and leaves with it. Also the API's
 * {@link MonitorAdmin} (the REST API's monitor types and checks), through {@link MonitorAdminView}.
 */
@Component(service = {MonitorRegistryComponent.class, MonitorAdmin.class}, configurationPid = MonitorRegistryComponent.PID)
@Designate(ocd = MonitorRegistryComponent.Config.class)
public class MonitorRegistryComponent implements MonitorAdmin {

    public static final String PID = "org.duplex.monitor";

    @ObjectClassDefinition(name = "Duplex resource monitors", description = "Defaults for health checks")
    public @interface Config {
        @AttributeDefinition(name = "Default check timeout (ms)", min = "1", max = "600000",
                description = "Used when a check is run without its own timeout")
        long default_timeout_ms() default 2000;
    }

    private final MonitorRegistry registry = new MonitorRegistry();
    private volatile Duration defaultTimeout = Duration.ofSeconds(2);
    private final MonitorAdminView view = new MonitorAdminView(registry, this::defaultTimeout);

    @Activate
    @Modified
    void configure(Config config) {
        long ms = config.default_timeout_ms();
        if (ms < 1 || ms > 600_000) {
            org.slf4j.LoggerFactory.getLogger(MonitorRegistryComponent.class).warn(
                    "{}: default.timeout.ms={} is outside 1-600000; keeping {} ms", PID, ms, defaultTimeout.toMillis());
            return;
        }
        defaultTimeout = Duration.ofMillis(ms);
    }

    @Override
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMonitor(ResourceMonitor monitor) {
        registry.add(monitor);
    }

    void removeMonitor(ResourceMonitor monitor) {
        registry.remove(monitor);
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }

    @Override
    public SortedSet<String> types() {
        return registry.types();
    }

    /** {@code ha:monitor-check}: every refusal is an UNKNOWN status with its reason. */
    public HealthStatus checkAnyway(String type, Map<String, String> params, Duration timeout) {
        return registry.check(type, params, timeout);
    }

    /** The API's check: an unknown type or rejected parameters are refused naming the field. */
    @Override
    public HealthStatus check(String type, Map<String, String> params, Duration timeout) throws AdminException {
        return view.check(type, params, timeout);
    }
}
