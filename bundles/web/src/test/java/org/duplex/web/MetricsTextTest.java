package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MetricsTextTest {

    @Test
    void labelValuesAndHelpAreEscapedAsTheFormatSays() {
        MetricsText t = new MetricsText();
        t.gauge("duplex_x", "help with \\ and\nnew line and \"quotes\"",
                Map.of("b", "back\\slash", "a", "say \"hi\"\nbye", "c", "中文 ok"), 1.5);
        assertThat(t.render()).isEqualTo("""
                # HELP duplex_x help with \\\\ and\\nnew line and "quotes"
                # TYPE duplex_x gauge
                duplex_x{a="say \\"hi\\"\\nbye",b="back\\\\slash",c="中文 ok"} 1.5
                """);
    }

    @Test
    void helpAndTypeComeOncePerFamilyAndItsSamplesStayTogether() {
        MetricsText t = new MetricsText();
        t.gauge("duplex_a", "A.", Map.of("n", "1"), 1);
        t.counter("duplex_b_total", "B.", Map.of(), 7);
        t.gauge("duplex_a", "A.", Map.of("n", "2"), 2);
        t.summary("duplex_c_seconds", "C.", Map.of("g", "web"), 3, 0.75);
        assertThat(t.render()).isEqualTo("""
                # HELP duplex_a A.
                # TYPE duplex_a gauge
                duplex_a{n="1"} 1
                duplex_a{n="2"} 2
                # HELP duplex_b_total B.
                # TYPE duplex_b_total counter
                duplex_b_total 7
                # HELP duplex_c_seconds C.
                # TYPE duplex_c_seconds summary
                duplex_c_seconds_sum{g="web"} 0.75
                duplex_c_seconds_count{g="web"} 3
                """);
    }

    @Test
    void numbersAreWrittenAsPrometheusParsesThem() {
        assertThat(MetricsText.number(3)).isEqualTo("3");
        assertThat(MetricsText.number(-2)).isEqualTo("-2");
        assertThat(MetricsText.number(0.125)).isEqualTo("0.125");
        assertThat(MetricsText.number(Double.NaN)).isEqualTo("NaN");
        assertThat(MetricsText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(MetricsText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(MetricsText.number(1e20)).isEqualTo("1.0E20");
    }

    @Test
    void badInputIsRefusedNamingTheMetric() {
        MetricsText t = new MetricsText();
        t.gauge("duplex_a", "A.", Map.of("n", "1"), 1);
        assertThatThrownBy(() -> t.gauge("duplex-a", "A.", Map.of(), 1)).hasMessageContaining("duplex-a");
        assertThatThrownBy(() -> t.gauge("duplex_z", "Z.", Map.of("no-dash", "v"), 1))
                .hasMessageContaining("duplex_z").hasMessageContaining("no-dash");
        assertThatThrownBy(() -> t.gauge("duplex_z", "Z.", Map.of("__name", "v"), 1)).hasMessageContaining("__");
        assertThatThrownBy(() -> t.counter("duplex_count", "C.", Map.of(), 1)).hasMessageContaining("_total");
        assertThatThrownBy(() -> t.counter("duplex_c_total", "C.", Map.of(), -1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> t.gauge("duplex_a", "other help", Map.of("n", "2"), 1))
                .hasMessageContaining("help");
        assertThatThrownBy(() -> t.summary("duplex_a", "A.", Map.of("n", "3"), 1, 1)).hasMessageContaining("gauge");
        assertThatThrownBy(() -> t.gauge("duplex_a", "A.", Map.of("n", "1"), 5)).hasMessageContaining("twice");
        assertThat(t.render()).contains("duplex_a{n=\"1\"} 1\n").doesNotContain("duplex_a{n=\"1\"} 5");
    }

    @Test
    void addAllChecksEverythingBeforeAddingAnything() {
        MetricsText page = new MetricsText();
        page.gauge("duplex_a", "A.", Map.of("n", "1"), 1);
        MetricsText other = new MetricsText();
        other.gauge("duplex_new", "New.", Map.of(), 1);
        other.gauge("duplex_a", "A.", Map.of("n", "1"), 9);
        assertThatThrownBy(() -> page.addAll(other)).hasMessageContaining("duplex_a");
        assertThat(page.render()).doesNotContain("duplex_new");
        MetricsText fine = new MetricsText();
        fine.gauge("duplex_a", "A.", Map.of("n", "2"), 2);
        page.addAll(fine);
        assertThat(page.render()).contains("duplex_a{n=\"2\"} 2").containsOnlyOnce("# TYPE duplex_a");
        assertThat(List.of(page.isEmpty(), new MetricsText().isEmpty())).containsExactly(false, true);
    }
}
