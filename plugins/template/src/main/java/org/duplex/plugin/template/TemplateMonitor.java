package org.duplex.plugin.template;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Thin DS wiring: publishes {@link FileCheck} as the {@value #TYPE} resource monitor. The service property
 * {@code duplex.monitor.type} is how the monitor bundle and ha:monitor-add find it; the configuration (optional:
 * without the file the defaults of {@link TemplateConfig} apply) changes live through {@code @Modified}.
 */
@Component(service = ResourceMonitor.class, configurationPid = TemplateMonitor.PID,
        property = ResourceMonitor.TYPE_PROPERTY + "=" + TemplateMonitor.TYPE)
@Designate(ocd = TemplateConfig.class)
public class TemplateMonitor implements ResourceMonitor {

    public static final String TYPE = "template";
    public static final String PID = "org.duplex.plugin.template";

    private volatile FileCheck check = new FileCheck(Clock.systemUTC(), Duration.ZERO, true);

    @Activate
    @Modified
    void configure(TemplateConfig config) {
        check = new FileCheck(Clock.systemUTC(), Duration.ofSeconds(Math.max(0, config.max_age_seconds())),
                config.verbose());
    }

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
        return check.check(params); // a stat() needs no timeout of its own; slow checks must honour it
    }
}
