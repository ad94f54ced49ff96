package org.duplex.mirror.component;

import org.duplex.api.metrics.MetricsSource;
import org.duplex.api.metrics.MetricsWriter;
import org.duplex.mirror.engine.MirrorMetrics;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link MirrorMetrics} of every volume open on this node as a MetricsSource. */
@Component(service = MetricsSource.class, property = MetricsSource.NAME_PROPERTY + "=mirror")
public class MirrorMetricsSource implements MetricsSource {

    @Reference
    MirrorRegistry registry;

    @Override
    public void collect(MetricsWriter out) {
        MirrorMetrics.write(registry.all().stream().map(e -> e.volume().status()).toList(), out);
    }
}
