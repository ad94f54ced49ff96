package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;

class RestApiTest {

    private final Fixture f = new Fixture();

    @Test
    void loginGivesATokenThatReadsAndLogoutForgetsIt() {
        String token = f.login("vera");
        ApiResponse status = f.call("GET", "/status", token, null);
        assertThat(status.status()).isEqualTo(200);
        assertThat(Fixture.json(status).get("coordinator").asText()).isEqualTo("n1");
        assertThat(Fixture.json(f.call("GET", "/session", token, null)).get("role").asText()).isEqualTo("viewer");
        assertThat(f.call("GET", "/groups", token, null).text()).contains("\"runningOn\":[\"n1\"]");
        assertThat(f.call("GET", "/history", token, null).text()).contains("\"at\":\"2026-12-06T00:00:00Z\"");
        assertThat(f.call("POST", "/logout", token, null).status()).isEqualTo(200);
        ApiResponse after = f.call("GET", "/status", token, null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.headers()).containsKey("WWW-Authenticate");
    }

    @Test
    void withoutATokenOnlyLoginAndTheDocumentAnswer() {
        assertThat(f.call("GET", "/status", null, null).status()).isEqualTo(401);
        assertThat(f.call("GET", "/status", "made-up", null).status()).isEqualTo(401);
        assertThat(f.call("GET", "/openapi.json", null, null).status()).isEqualTo(200);
        assertThat(f.call("GET", "/nowhere", null, null).status()).isEqualTo(404);
        assertThat(f.call("DELETE", "/status", null, null).status()).isEqualTo(405);
    }

    @Test
    void tokensExpire() {
        String token = f.login("vera");
        f.clock.advance(Duration.ofMinutes(59));
        assertThat(f.call("GET", "/status", token, null).status()).isEqualTo(200);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.call("GET", "/status", token, null).status()).isEqualTo(401);
    }

    @Test
    void aViewerCannotSwitchOverAndTheDenialIsAudited() {
        String token = f.login("vera");
        ApiResponse r = f.call("POST", "/groups/web/switchover", token, "{\"node\":\"n2\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(Fixture.json(r).get("error").asText()).contains("vera", "viewer", "operator");
        assertThat(f.calls).isEmpty();
        AuditEntry last = f.audit.get(f.audit.size() - 1);
        assertThat(last.user()).isEqualTo("vera");
        assertThat(last.operation()).isEqualTo("switchover");
        assertThat(last.success()).isFalse();
        assertThat(last.result()).startsWith("denied");
        for (String path : new String[] {"/nodes/n2/standby", "/nodes/n2/online", "/resources/vip/cleanup"}) {
            assertThat(f.call("POST", path, token, null).status()).as(path).isEqualTo(403);
        }
        assertThat(f.calls).isEmpty();
    }

    @Test
    void anOperatorSwitchesOverAndItIsAuditedWithSourceAndArguments() {
        String token = f.login("olga");
        ApiResponse r = f.call("POST", "/groups/web/switchover", Map.of(), token, "{\"node\":\"n2\"}", "192.0.2.7");
        assertThat(r.status()).isEqualTo(200);
        assertThat(Fixture.json(r).get("to").asText()).isEqualTo("n2");
        assertThat(f.calls).containsExactly("switchover web n2 by olga");
        AuditEntry last = f.audit.get(f.audit.size() - 1);
        assertThat(last).isEqualTo(new AuditEntry(f.clock.now, "olga", "192.0.2.7", "rest", "switchover",
                "group=web node=n2", true, "ok"));
        assertThat(f.call("POST", "/nodes/n2/standby", token, "{}").status()).isEqualTo(200);
        assertThat(f.call("POST", "/nodes/n2/online", token, "").status()).isEqualTo(200);
        assertThat(Fixture.json(f.call("POST", "/resources/vip/cleanup", token, null)).get("failuresForgotten")
                .asInt()).isEqualTo(2);
        assertThat(f.calls).containsExactly("switchover web n2 by olga", "standby n2", "online n2", "cleanup vip");
        assertThat(Fixture.json(f.call("GET", "/audit", Map.of("last", "3"), token, null, "x")).size()).isEqualTo(3);
    }

    @Test
    void aSwitchoverPlacesByDefaultReordersOnRequestAndItsPlacementIsCleared() {
        String token = f.login("olga");
        var placed = Fixture.json(f.call("POST", "/groups/web/switchover", token, "{\"node\":\"n2\"}"));
        assertThat(placed.get("reordered").asBoolean()).isFalse();
        assertThat(placed.get("placement").asText()).contains("placed on n2");
        var cleared = f.call("POST", "/groups/web/switchover", token, "{\"clear\":true}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(Fixture.json(cleared).get("cleared").asText()).contains("placement on n2 cleared");
        var reordered = Fixture.json(f.call("POST", "/groups/web/switchover", token,
                "{\"node\":\"n1\",\"reorder\":true}"));
        assertThat(reordered.get("reordered").asBoolean()).isTrue();
        assertThat(f.calls).containsExactly("switchover web n2 by olga", "clear web by olga",
                "switchover web n1 reorder");
        assertThat(f.audit).extracting(AuditEntry::arguments).containsSubsequence("group=web node=n2",
                "group=web clear", "group=web node=n1 reorder");
    }

    @Test
    void badInputNamesTheFieldAndChangesNothing() {
        String token = f.login("admin");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"node\":7}"), 400, "node");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"target\":\"n2\"}"), 400, "target");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"node\":\"n 2\"}"), 400, "node");
        assertError(f.call("POST", "/groups/web/switchover", token, "[1]"), 400, "(body)");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"node\":"), 400, "(body)");
        assertError(f.call("POST", "/groups/w%20b/switchover", token, null), 400, "group");
        assertError(f.call("POST", "/groups/nope/switchover", token, null), 404, "group");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"node\":\"n9\"}"), 400, "node");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"reorder\":\"yes\"}"), 400, "reorder");
        assertError(f.call("POST", "/groups/web/switchover", token, "{\"clear\":true,\"node\":\"n2\"}"), 400,
                "clear");
        assertError(f.call("POST", "/nodes/n9/standby", token, null), 404, "node");
        assertError(f.call("POST", "/nodes/n2/standby", token, "{\"force\":true}"), 400, "force");
        assertError(f.call("POST", "/resources/nope/cleanup", token, null), 404, "resource");
        assertError(f.call("GET", "/history", Map.of("last", "0"), token, null, "x"), 400, "last");
        assertError(f.call("GET", "/audit", Map.of("last", "many"), token, null, "x"), 400, "last");
        assertError(f.call("POST", "/login", null, "{\"username\":\"admin\"}"), 400, "password");
        assertError(f.call("POST", "/login", null, "{\"username\":[],\"password\":\"x\"}"), 400, "username");
        assertThat(f.calls).isEmpty();
        ApiResponse refused = f.call("POST", "/groups/web/switchover", token, "{\"node\":\"n1\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(f.audit.get(f.audit.size() - 1).success()).isFalse();
        assertError(f.call("POST", "/groups/web/switchover", token, "x".repeat(RestApi.MAX_BODY + 1)), 413, "(body)");
    }

    @Test
    void failedLoginsFromOneAddressAreRateLimited() {
        for (int i = 0; i < 5; i++) {
            assertThat(f.call("POST", "/login", null, "{\"username\":\"vera\",\"password\":\"wrong\"}").status())
                    .isEqualTo(401);
        }
        ApiResponse limited = f.call("POST", "/login", null, "{\"username\":\"vera\",\"password\":\"verapassword\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "60");
        ApiResponse other = f.call("POST", "/login", Map.of(), null,
                "{\"username\":\"vera\",\"password\":\"verapassword\"}", "10.0.0.2");
        assertThat(other.status()).isEqualTo(200);
        f.clock.advance(Duration.ofSeconds(45));
        assertThat(f.call("POST", "/login", null, "{}").headers()).containsEntry("Retry-After", "15");
        f.clock.advance(Duration.ofSeconds(15));
        assertThat(f.login("vera")).isNotEmpty();
        assertThat(f.audit).filteredOn(e -> e.operation().equals("login") && !e.success()).hasSize(5);
    }

    @Test
    void aUserWithoutADuplexRoleCannotLogIn() {
        ApiResponse r = f.call("POST", "/login", null, "{\"username\":\"nina\",\"password\":\"ninapassword\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("duplex-viewer");
    }

    @Test
    void missingServicesAnswer503() {
        RestApi bare = new RestApi(f.passwords, new TokenStore(f.clock, Duration.ofMinutes(5), 10),
                new LoginLimiter(f.clock, 5, Duration.ofSeconds(60)), () -> null, () -> null, () -> null,
                () -> new MetricsPage().render(java.util.List.of()), f.clock);
        ApiResponse login = bare.handle(new ApiRequest("POST", "/login", Map.of(), null, "x",
                "{\"username\":\"admin\",\"password\":\"adminpassword\"}".getBytes()));
        String token = Fixture.json(login).get("token").asText();
        ApiResponse r = bare.handle(new ApiRequest("GET", "/status", Map.of(), "Bearer " + token, "x", new byte[0]));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).contains("cluster node is not running");
        ApiResponse metrics = bare.handle(new ApiRequest("GET", "/metrics", Map.of(), "Bearer " + token, "x",
                new byte[0]));
        assertThat(metrics.status()).as("the page needs no service: it says no source is registered").isEqualTo(200);
        assertThat(metrics.text()).contains("duplex_metrics_sources 0\n");
    }

    private static void assertError(ApiResponse r, int status, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(Fixture.json(r).path("field").asText()).as(r.text()).isEqualTo(field);
    }

    @Test
    void metricsNeedBasicCredentialsOfAViewerOrATokenAndArePrometheusText() {
        ApiResponse none = f.callWith("GET", "/metrics", null, "10.0.0.9");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().get("WWW-Authenticate")).startsWith("Basic realm=\"duplex\"");
        assertThat(f.callWith("GET", "/metrics", Fixture.basic("vera", "wrong"), "10.0.0.9").status())
                .isEqualTo(401);
        assertThat(f.callWith("GET", "/metrics", Fixture.basic("nina", "ninapassword"), "10.0.0.9").status())
                .isEqualTo(403);
        assertThat(f.callWith("GET", "/metrics", "Basic %%%", "10.0.0.9").status()).isEqualTo(400);
        ApiResponse ok = f.callWith("GET", "/metrics", Fixture.basic("vera", "verapassword"), "10.0.0.9");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.headers()).containsEntry("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        assertThat(ok.text()).contains("# TYPE duplex_cluster_quorate gauge\nduplex_cluster_quorate 1\n");
        assertThat(f.call("GET", "/metrics", f.login("vera"), null).status()).isEqualTo(200);
        assertThat(f.audit).anyMatch(e -> e.user().equals("vera") && e.arguments().equals("metrics (basic)")
                && !e.success());
        assertThat(f.audit.stream().filter(e -> e.arguments().equals("metrics (basic)")).count()).isEqualTo(1);
    }

    @Test
    void wrongBasicCredentialsAreRateLimitedLikeLogins() {
        for (int i = 0; i < 5; i++) {
            assertThat(f.callWith("GET", "/metrics", Fixture.basic("vera", "guess" + i), "10.0.0.8").status())
                    .isEqualTo(401);
        }
        ApiResponse limited = f.callWith("GET", "/metrics", Fixture.basic("vera", "verapassword"), "10.0.0.8");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "60");
        assertThat(f.call("POST", "/login", Map.of(), null, "{\"username\":\"vera\",\"password\":\"verapassword\"}",
                "10.0.0.8").status()).as("the same limiter as /login").isEqualTo(429);
        f.clock.advance(Duration.ofSeconds(60));
        assertThat(f.callWith("GET", "/metrics", Fixture.basic("vera", "verapassword"), "10.0.0.8").status())
                .isEqualTo(200);
    }

    @Test
    void aViewerRunsAWhatIfAndNothingIsDoneOrAudited() {
        String token = f.login("vera");
        int audited = f.audit.size();
        ApiResponse config = f.call("GET", "/configuration", token, null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(Fixture.json(config).get("groups").get(0).get("id").asText()).isEqualTo("web");

        ApiResponse r = f.call("POST", "/simulate", token, "{\"failNodes\":[\"n1\"]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        var web = Fixture.json(r).get("groups").get(0);
        assertThat(web.get("runningNow").toString()).isEqualTo("[\"n1\"]");
        assertThat(web.get("runningAfter").toString()).isEqualTo("[\"n2\"]");
        assertThat(web.get("actions").get(0).get("op").asText()).isEqualTo("start");
        assertThat(web.get("actions").get(0).get("intent").asText()).isEqualTo("recover");

        // a candidate configuration travels as the object GET /configuration returned, edited
        String candidate = Fixture.CONFIGURATION.replace("[\"n1\",\"n2\"]", "[\"n2\",\"n1\"]");
        ApiResponse c = f.call("POST", "/simulate", token, "{\"configuration\":" + candidate + "}");
        assertThat(c.status()).as(c.text()).isEqualTo(200);
        assertThat(Fixture.json(c).get("candidate").asBoolean()).isTrue();
        assertThat(Fixture.json(c).get("groups").get(0).get("runningAfter").toString()).isEqualTo("[\"n2\"]");
        // an empty body: the engine's plan now
        assertThat(f.call("POST", "/simulate", token, "").status()).isEqualTo(200);

        assertThat(f.calls).containsExactly("simulate [n1]", "simulate [] candidate", "simulate []");
        assertThat(f.where).isEqualTo("n1");
        assertThat(f.audit).hasSize(audited); // a read, like GET /groups: not audited
        assertThat(f.call("POST", "/simulate", null, "{}").status()).isEqualTo(401);
        assertThat(f.call("GET", "/simulate", token, null).status()).isEqualTo(405);
    }

    @Test
    void aBadWhatIfNamesItsFieldAndReachesNothing() {
        String token = f.login("admin");
        record Bad(String body, int status, String field, String message) {
        }
        for (Bad b : java.util.List.of(
                new Bad("{\"failNodes\":\"n1\"}", 400, "failNodes", "must be a list"),
                new Bad("{\"failNodes\":[1]}", 400, "failNodes", "failNodes[0] must be a string, not number"),
                new Bad("{\"failNodes\":[\"n1\",null]}", 400, "failNodes", "failNodes[1] must be a string"),
                new Bad("{\"failNodes\":[\"../etc\"]}", 400, "failNodes", "not a valid node name"),
                new Bad("{\"failNodes\":[" + "\"n1\",".repeat(33) + "\"n2\"]}", 400, "failNodes", "at most 32"),
                new Bad("{\"failNodes\":[\"n9\"]}", 404, "failNodes", "unknown node n9"),
                new Bad("{\"configuration\":\"{}\"}", 400, "configuration", "must be an object"),
                new Bad("{\"configuration\":[]}", 400, "configuration", "must be an object"),
                new Bad("{\"configuration\":{\"groups\":[{\"nodes\":\"n1\"}]}}", 400, "configuration",
                        "groups[0].nodes"),
                new Bad("{\"fail\":[\"n1\"]}", 400, "fail", "unknown field 'fail'"),
                new Bad("[]", 400, "(body)", "must be a JSON object"),
                new Bad("{\"failNodes\":[", 400, "(body)", "not valid JSON"))) {
            ApiResponse r = f.call("POST", "/simulate", token, b.body());
            assertThat(r.status()).as(b.body() + " -> " + r.text()).isEqualTo(b.status());
            assertThat(Fixture.json(r).get("field").asText()).as(b.body()).isEqualTo(b.field());
            assertThat(Fixture.json(r).get("error").asText()).as(b.body()).contains(b.message());
        }
        assertThat(f.calls).isEmpty();
    }
}
