package org.duplex.heartbeat.ds;

import org.duplex.api.metrics.MetricsSource;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.heartbeat.detect.HeartbeatMetrics;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link HeartbeatMetrics} of the running heartbeat as a MetricsSource. */
@Component(service = MetricsSource.class, property = MetricsSource.NAME_PROPERTY + "=heartbeat")
public class HeartbeatMetricsSource implements MetricsSource {

    @Reference
    HeartbeatRuntime runtime;

    @Override
    public void collect(MetricsWriter out) {
        HeartbeatMetrics.write(runtime.peers(), runtime.stats(), runtime.rejections(), out);
    }
}
