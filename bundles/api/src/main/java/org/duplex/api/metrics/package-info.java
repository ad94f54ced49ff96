/**
 * Metrics: bundles and plug-ins add their part to the node's Prometheus endpoint ({@code GET /api/v1/metrics}
 * of the web bundle) by registering a {@link org.duplex.api.metrics.MetricsSource} service; the web bundle
 * collects every registered source at each scrape and knows nothing of what they measure.
 */
@Version("1.0.0")
@Export
package org.duplex.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
