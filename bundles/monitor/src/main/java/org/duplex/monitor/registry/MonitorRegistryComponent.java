package org.duplex.monitor.registry;

import java.time.Duration;
import java.util.Map;
import java.util.SortedSet;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** DS wiring: every ResourceMonitor service a plug-in registers joins the registry, and leaves with it. */
@Component(service = MonitorRegistryComponent.class)
public class MonitorRegistryComponent {

    private final MonitorRegistry registry = new MonitorRegistry();

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

    public SortedSet<String> types() {
        return registry.types();
    }

    public HealthStatus check(String type, Map<String, String> params, Duration timeout) {
        return registry.check(type, params, timeout);
    }
}
