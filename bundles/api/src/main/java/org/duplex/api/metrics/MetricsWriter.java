package org.duplex.api.metrics;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link MetricsSource} writes its samples; provided by the web bundle, which renders them in the
 * Prometheus text exposition format 0.0.4. A metric family (one name) may receive many samples, with different
 * labels, from one or several sources; its help text and type are written once. Every call checks its input and
 * throws {@link IllegalArgumentException} naming the metric and the fault: a name that is not
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, a label name that is not {@code [a-zA-Z_][a-zA-Z0-9_]*} or starts with
 * {@code __}, a counter not ending in {@code _total}, a negative counter, a family written earlier with another
 * type or help, or the same labels twice in one family.
 *
 * <p>Labels are a map from label name to value (any text; the writer escapes it). Values may be NaN (unknown).
 */
@ProviderType
public interface MetricsWriter {

    /** A value that goes up and down (a state, a size, a latency now). */
    void gauge(String name, String help, Map<String, String> labels, double value);

    /** A cumulative count since the node (or the counting component) started; {@code name} ends in {@code _total}. */
    void counter(String name, String help, Map<String, String> labels, double value);

    /**
     * A summary without quantiles: how many observations and their sum (for example outages: count and total
     * seconds), written as {@code name_count} and {@code name_sum}.
     */
    void summary(String name, String help, Map<String, String> labels, long count, double sum);
}
