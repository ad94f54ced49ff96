package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The page as Prometheus' own parser and linter read it ({@code promtool check metrics}, Debian's prometheus
 * package): every kind of sample, escapes, NaN and infinities, several sources, a failing source. Skipped loudly
 * without promtool; under CI as root (install-deps ran) that is a failure.
 */
class MetricsPromtoolTest {

    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void promtoolAcceptsThePageWithoutLintFindings() throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            String why = "MetricsPromtoolTest needs " + PROMTOOL + " (Debian's prometheus package; "
                    + "scripts/install-deps.sh installs it)";
            if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) {
                throw new AssertionError("CI runs install-deps as root, yet: " + why);
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort("SKIPPED: " + why);
        }
        String page = new MetricsPage().render(List.of(
                new MetricsPage.Named("cluster", out -> {
                    out.gauge("duplex_cluster_quorate", "1 when quorate.", Map.of(), 1);
                    out.counter("duplex_cluster_view_changes_total", "Views \"installed\".\nSince start.", Map.of(),
                            3);
                    out.gauge("duplex_cluster_node_liveness", "Liveness.", Map.of("node", "n1", "liveness", "SELF"),
                            1);
                }),
                new MetricsPage.Named("heartbeat", out -> {
                    out.gauge("duplex_heartbeat_link_latency_seconds", "Latency.", Map.of("peer", "n2", "link",
                            "odd \"name\" \\ with\nnewline"), Double.NaN);
                    out.gauge("duplex_cluster_node_liveness", "Liveness.", Map.of("node", "n2", "liveness", "DEAD"),
                            1);
                    out.gauge("duplex_x_limit_bytes", "Infinity.", Map.of(), Double.POSITIVE_INFINITY);
                }),
                new MetricsPage.Named("failover", out -> out.summary("duplex_failover_switchover_outage_seconds",
                        "Outages.", Map.of("group", "web"), 2, 0.375)),
                new MetricsPage.Named("broken", out -> {
                    throw new IllegalStateException("down");
                })));
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool said:\n" + said + "\nof:\n" + page).isZero();
        assertThat(said).as("lint findings of:\n" + page).isBlank();
        assertThat(page).contains("duplex_metrics_source_errors_total{source=\"broken\"} 1\n");
    }
}
