package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.duplex.api.metrics.MetricsSource;
import org.junit.jupiter.api.Test;

class MetricsPageTest {

    private final MetricsSource cluster = out -> {
        out.gauge("duplex_cluster_quorate", "1 when quorate.", Map.of(), 1);
        out.gauge("duplex_node_up", "Nodes up.", Map.of("node", "n1"), 1);
    };
    private final MetricsSource heartbeat = out -> out.gauge("duplex_node_up", "Nodes up.", Map.of("node", "n2"), 0);
    private final MetricsSource broken = out -> {
        out.gauge("duplex_half_written", "Never shown.", Map.of(), 1);
        throw new IllegalStateException("engine stopped");
    };

    @Test
    void samplesFromSeveralSourcesShareOneFamily() {
        String page = new MetricsPage().render(List.of(new MetricsPage.Named("cluster", cluster),
                new MetricsPage.Named("heartbeat", heartbeat)));
        assertThat(page).containsOnlyOnce("# HELP duplex_node_up Nodes up.\n# TYPE duplex_node_up gauge\n"
                + "duplex_node_up{node=\"n1\"} 1\nduplex_node_up{node=\"n2\"} 0\n");
        assertThat(page).contains("duplex_metrics_sources 2\n",
                "duplex_metrics_source_errors_total{source=\"cluster\"} 0\n",
                "duplex_metrics_source_errors_total{source=\"heartbeat\"} 0\n");
    }

    @Test
    void aSourceThatThrowsIsSkippedWholeAndCountedAcrossScrapes() {
        MetricsPage p = new MetricsPage();
        List<MetricsPage.Named> sources = List.of(new MetricsPage.Named("broken", broken),
                new MetricsPage.Named("cluster", cluster));
        p.render(sources);
        String page = p.render(sources);
        assertThat(page).doesNotContain("duplex_half_written").contains("duplex_cluster_quorate 1\n",
                "duplex_metrics_source_errors_total{source=\"broken\"} 2\n",
                "duplex_metrics_source_errors_total{source=\"cluster\"} 0\n");
    }

    @Test
    void aSourceContradictingAnotherIsSkippedNotTheOther() {
        MetricsSource liar = out -> {
            out.gauge("duplex_mine", "Mine.", Map.of(), 1);
            out.counter("duplex_cluster_quorate_total", "Other.", Map.of(), 1);
            out.gauge("duplex_node_up", "Nodes up.", Map.of("node", "n1"), 0); // the cluster wrote n1 already
        };
        String page = new MetricsPage().render(List.of(new MetricsPage.Named("cluster", cluster),
                new MetricsPage.Named("liar", liar)));
        assertThat(page).contains("duplex_node_up{node=\"n1\"} 1\n", "source=\"liar\"} 1\n")
                .doesNotContain("duplex_mine", "duplex_node_up{node=\"n1\"} 0");
    }

    @Test
    void anErrorFromAJavaLinkageProblemIsSkippedToo() {
        MetricsSource gone = out -> {
            throw new NoClassDefFoundError("org/duplex/plugin/x/Gone");
        };
        String page = new MetricsPage().render(List.of(new MetricsPage.Named("plugin-x", gone)));
        assertThat(page).contains("duplex_metrics_source_errors_total{source=\"plugin-x\"} 1\n");
    }
}
