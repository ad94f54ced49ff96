package org.duplex.cluster.component;

import org.duplex.api.metrics.MetricsSource;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.duplex.cluster.runtime.ClusterMetrics;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link ClusterMetrics} of the running node as a MetricsSource (comes and goes with it). */
@Component(service = MetricsSource.class, property = MetricsSource.NAME_PROPERTY + "=cluster")
public class ClusterMetricsSource implements MetricsSource {

    @Reference
    ClusterAdmin admin;

    @Override
    public void collect(MetricsWriter out) {
        ClusterMetrics.write(admin, out);
    }
}
