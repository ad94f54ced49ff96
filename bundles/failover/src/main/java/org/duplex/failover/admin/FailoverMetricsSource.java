package org.duplex.failover.admin;

import org.duplex.api.metrics.MetricsSource;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.failover.service.FailoverService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link FailoverMetrics} of the running failover engine as a MetricsSource. */
@Component(service = MetricsSource.class, property = MetricsSource.NAME_PROPERTY + "=failover")
public class FailoverMetricsSource implements MetricsSource {

    @Reference
    FailoverService service;

    @Override
    public void collect(MetricsWriter out) {
        FailoverMetrics.write(service, out);
    }
}
