package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.metrics.MetricsSource;
import org.junit.jupiter.api.Test;

/** The links' quality read back from a page rendered by the real writer, as the heartbeat bundle fills it. */
class LinkQualityTest {

    /** The heartbeat bundle's families for one link (as HeartbeatMetrics writes them). */
    private static MetricsSource link(String peer, String link, String state, double latency, double jitter,
                                      double loss, long received, long lost) {
        return out -> {
            Map<String, String> id = Map.of("peer", peer, "link", link, "kind", "udp");
            for (String st : List.of("UP", "LATE", "DOWN", "UNKNOWN")) {
                Map<String, String> l = new HashMap<>(id);
                l.put("state", st);
                out.gauge("duplex_heartbeat_link_state", "State.", l, st.equals(state) ? 1 : 0);
            }
            out.gauge("duplex_heartbeat_link_up", "Up.", id, state.equals("UP") ? 1 : 0);
            out.gauge("duplex_heartbeat_link_latency_seconds", "Latency.", id, latency);
            out.gauge("duplex_heartbeat_link_jitter_seconds", "Jitter.", id, jitter);
            out.gauge("duplex_heartbeat_link_loss_ratio", "Loss.", id, loss);
            out.counter("duplex_heartbeat_link_frames_received_total", "Received.", id, received);
            out.counter("duplex_heartbeat_link_frames_lost_total", "Lost.", id, lost);
        };
    }

    @Test
    void everyLinkWithItsLatencyJitterAndLoss() {
        MetricsSource both = out -> {
            link("node2", "udp0", "UP", 0.0012, 0.0003, 0.05, 950, 50).collect(out);
            link("no\"de3", "udp1", "DOWN", Double.NaN, Double.NaN, 0, 0, 0).collect(out);
            out.gauge("duplex_cluster_quorate", "Quorate.", Map.of(), 1);
        };
        String page = new MetricsPage().render(List.of(new MetricsPage.Named("heartbeat", both)));
        List<LinkQuality> links = LinkQuality.of(page);
        assertThat(links).hasSize(2);
        LinkQuality a = links.stream().filter(l -> l.peer().equals("node2")).findFirst().orElseThrow();
        assertThat(a).isEqualTo(new LinkQuality("node2", "udp0", "udp", true, 0.0012, 0.0003, 0.05, 950L, 50L));
        LinkQuality b = links.stream().filter(l -> l.link().equals("udp1")).findFirst().orElseThrow();
        assertThat(b.peer()).isEqualTo("no\"de3");
        assertThat(b.up()).isFalse();
        assertThat(b.latencySeconds()).as("NaN before the first frame").isNull();
        assertThat(b.jitterSeconds()).isNull();
        assertThat(b.lossRatio()).isEqualTo(0.0);
    }

    @Test
    void aPageWithoutLinksOrWithBrokenLinesGivesWhatItCan() {
        assertThat(LinkQuality.of("")).isEmpty();
        assertThat(LinkQuality.of("duplex_heartbeat_link_up{peer=\"n2\",link=\"u\",kind=\"udp\"} 1\n"
                + "duplex_heartbeat_link_up{peer=\"n3\",link=\"u\" 1\n"
                + "duplex_heartbeat_link_loss_ratio{peer=\"n2\",link=\"u\",kind=\"udp\"} many\n"
                + "duplex_heartbeat_link_up 1\n"))
                .containsExactly(new LinkQuality("n2", "u", "udp", true, null, null, null, null, null));
    }

    @Test
    void aViewerReadsThemOverTheApi() {
        Fixture f = new Fixture();
        f.metricsSources.add(new MetricsPage.Named("heartbeat", link("n2", "udp0", "UP", 0.002, 0.0001, 0.01, 99,
                1)));
        ApiResponse r = f.call("GET", "/links", f.login("vera"), null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.text()).contains("\"peer\":\"n2\"", "\"latencySeconds\":0.002", "\"lossRatio\":0.01",
                "\"up\":true");
        assertThat(f.call("GET", "/links", null, null).status()).isEqualTo(401);
    }
}
