package org.duplex.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's or plug-in's metrics, registered as an OSGi service by the bundle that owns the data (the cluster
 * its quorum, the heartbeat its links, the failover engine its resources ...). At every scrape the web bundle
 * calls {@link #collect} of each registered source with a fresh writer.
 *
 * <p>Rules: name metrics {@code duplex_<area>_...} (a plug-in {@code duplex_plugin_<name>_...}); read values the
 * bundle already holds (a scrape must return within milliseconds: no I/O, no waiting on a lock held across I/O);
 * throw rather than write half-true values. A source that throws is skipped whole (none of its samples appear) and
 * counted in {@code duplex_metrics_source_errors_total}; the other sources still appear.
 */
@ConsumerType
public interface MetricsSource {

    /** Service property naming the source in {@code duplex_metrics_source_errors_total} (else its class name). */
    String NAME_PROPERTY = "duplex.metrics.source";

    /** Writes this source's current samples. */
    void collect(MetricsWriter out);
}
