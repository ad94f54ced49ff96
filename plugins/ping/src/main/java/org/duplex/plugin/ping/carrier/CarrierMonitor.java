package org.duplex.plugin.ping.carrier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Component;

/** Publishes {@link CarrierCheck} as the {@code carrier} resource monitor. */
@Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + CarrierMonitor.TYPE)
public class CarrierMonitor implements ResourceMonitor {

    public static final String TYPE = "carrier";

    private final CarrierCheck check = new CarrierCheck();

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
