package org.duplex.web;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.metrics.MetricsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scrape: asks every registered {@link MetricsSource} for its samples, each into a writer of its own, and adds
 * a source's samples to the page only when it returned normally (a source that throws, or writes a family another
 * source wrote with a different type or help, is skipped whole and counted in
 * {@code duplex_metrics_source_errors_total}). Holds those counts across scrapes; thread-safe.
 */
public final class MetricsPage {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsPage.class);

    /** A registered source and the name it is counted under. */
    public record Named(String name, MetricsSource source) {
    }

    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    /** Sources whose last scrape failed: logged once per failing streak, not every 15 s. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    public String render(List<Named> sources) {
        MetricsText page = new MetricsText();
        for (Named n : sources) {
            MetricsText own = new MetricsText();
            try {
                n.source().collect(own);
                page.addAll(own);
                if (failing.remove(n.name())) {
                    LOG.info("metrics source {} answers again", n.name());
                }
            } catch (RuntimeException | LinkageError e) {
                errors.computeIfAbsent(n.name(), k -> new AtomicLong()).incrementAndGet();
                if (failing.add(n.name())) {
                    LOG.warn("metrics source {} failed; it is left out of the page until it answers", n.name(), e);
                }
            }
        }
        page.gauge("duplex_metrics_sources", "Metrics sources registered on this node (bundles and plug-ins).",
                Map.of(), sources.size());
        String help = "Scrapes at which a metrics source threw or wrote a conflicting family and was left out.";
        Set<String> names = new java.util.TreeSet<>(errors.keySet());
        sources.forEach(n -> names.add(n.name()));
        for (String name : names) {
            AtomicLong count = errors.get(name);
            page.counter("duplex_metrics_source_errors_total", help, Map.of("source", name),
                    count == null ? 0 : count.get());
        }
        return page.render();
    }
}
