package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random JSON-ish bodies on every endpoint: always an answer below 500 with a JSON body, never an exception. */
class JsonFuzzTest {

    private static final String[] PIECES = {"{", "}", "[", "]", ",", ":", "\"node\"", "\"username\"", "\"password\"",
        "\"n2\"", "\"admin\"", "\"adminpassword\"", "null", "true", "1e999999", "-0", "\"\\u0000\"", "\"\\ud800\"",
        "12345678901234567890123", "\"x\"", " ", "\n", "\"target\"", "{\"node\":", "\u00e9", "\\", "'", "/*", "NaN",
        "\"failNodes\"", "{\"failNodes\":[", "\"configuration\"", "{\"configuration\":{", "\"groups\"", "\"nodes\"",
        "\"resources\"", "\"policies\"", "\"n1\"", "\"n9\"", "[\"n2\"]", "{}", "[]"};

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> structured = Arbitraries.of(PIECES).list().ofMaxSize(40).map(l -> String.join("", l));
        Arbitrary<String> raw = Arbitraries.strings().ofMaxLength(200);
        Arbitrary<String> deep = Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n));
        return Arbitraries.oneOf(structured, raw, deep);
    }

    @Property(tries = 1500, seed = "20261206")
    void noBodyMakesA5xxOrEscapes(@ForAll("bodies") String body,
                                  @ForAll("routes") RestApi.Route route, @ForAll boolean asAdmin) {
        Fixture f = new Fixture();
        String token = asAdmin ? f.login("admin") : f.login("vera");
        String path = route.template().replace("{group}", "web").replace("{node}", "n2").replace("{resource}", "vip");
        ApiResponse r = f.api.handle(new ApiRequest(route.method(), path, Map.of("last", body), "Bearer " + token,
                "10.0.0.1", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).as(route + " " + body + " -> " + r.text()).isBetween(200, 499);
        if (r.headers().getOrDefault("Content-Type", "").startsWith("text/plain")) {
            assertThat(route.template()).isEqualTo("/metrics"); // the one answer that is not JSON
            assertThat(r.text()).startsWith("# HELP ");
        } else {
            assertThat(Fixture.json(r)).isNotNull();
        }
    }

    @Provide
    Arbitrary<RestApi.Route> routes() {
        return Arbitraries.of(RestApi.ROUTES);
    }
}
