package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;

/** The server's fresh password check of destructive operations (POST /confirm, X-Duplex-Confirm). */
class ConfirmationTest {

    private final Fixture f = new Fixture();

    {
        f.autoConfirm = false;
    }

    private String confirmation(String token, String password, String path) {
        ApiResponse r = f.call("POST", "/confirm", token, "{\"password\":\"" + password + "\",\"path\":\"" + path
                + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode j = Fixture.json(r);
        assertThat(j.get("header").asText()).isEqualTo("X-Duplex-Confirm");
        assertThat(j.get("path").asText()).isEqualTo(path);
        return j.get("confirmation").asText();
    }

    private AuditEntry lastAudit() {
        return f.audit.get(f.audit.size() - 1);
    }

    @Test
    void aSessionAloneCannotSwitchOverOrStandBy() {
        String olga = f.login("olga");
        ApiResponse r = f.call("POST", "/groups/web/switchover", olga, "{\"node\":\"n2\"}");
        assertThat(r.status()).isEqualTo(428);
        assertThat(Fixture.json(r).get("field").asText()).isEqualTo("X-Duplex-Confirm");
        assertThat(Fixture.json(r).get("error").asText()).contains("POST /api/v1/confirm", "/groups/web/switchover");
        assertThat(f.calls).isEmpty();
        assertThat(lastAudit().operation()).isEqualTo("switchover");
        assertThat(lastAudit().success()).isFalse();
        assertThat(lastAudit().result()).startsWith("428");
        assertThat(f.call("POST", "/nodes/n2/standby", olga, "").status()).isEqualTo(428);
        assertThat(f.call("POST", "/nodes/n2/maintenance", olga, "").status()).isEqualTo(428);
        assertThat(f.call("POST", "/resources/vip/cleanup", olga, "").status()).isEqualTo(428);
        String admin = f.login("admin");
        assertThat(f.call("POST", "/mirror/volumes/vol0/promote", admin, "{}").status()).isEqualTo(428);
        assertThat(f.call("POST", "/plugins/duplex-plugin-ping/install", admin, "").status()).isEqualTo(428);
        assertThat(f.calls).isEmpty();
        // online is the way back and needs no confirmation
        assertThat(f.call("POST", "/nodes/n2/online", olga, "").status()).isEqualTo(200);
        assertThat(f.calls).containsExactly("online n2");
    }

    @Test
    void aConfirmationIsGoodForOneRequestToItsPath() {
        String olga = f.login("olga");
        String c = confirmation(olga, "olgapassword", "/groups/web/switchover");
        assertThat(lastAudit().operation()).isEqualTo("confirm");
        assertThat(lastAudit().arguments()).isEqualTo("path=/groups/web/switchover");
        assertThat(lastAudit().success()).isTrue();
        ApiResponse ok = f.confirmed("/groups/web/switchover", olga, "{\"node\":\"n2\"}", c);
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(f.calls).containsExactly("switchover web n2 by olga");
        ApiResponse again = f.confirmed("/groups/web/switchover", olga, "{\"node\":\"n1\"}", c);
        assertThat(again.status()).isEqualTo(403);
        assertThat(Fixture.json(again).get("field").asText()).isEqualTo("X-Duplex-Confirm");
        assertThat(Fixture.json(again).get("error").asText()).contains("used already");
        assertThat(lastAudit().success()).isFalse();
        assertThat(f.calls).hasSize(1);
    }

    @Test
    void anotherPathAnotherSessionOrTooLateIsRefused() {
        String olga = f.login("olga");
        String forStandby = confirmation(olga, "olgapassword", "/nodes/n2/standby");
        ApiResponse other = f.confirmed("/groups/web/switchover", olga, "", forStandby);
        assertThat(other.status()).isEqualTo(403);
        assertThat(Fixture.json(other).get("error").asText()).contains("given for /nodes/n2/standby");
        // a confirmation that did not fit is gone: it cannot be tried again where it fits
        assertThat(f.confirmed("/nodes/n2/standby", olga, "", forStandby).status()).isEqualTo(403);

        String olga2 = f.login("olga");
        String otherSession = confirmation(olga2, "olgapassword", "/nodes/n2/standby");
        ApiResponse stolen = f.confirmed("/nodes/n2/standby", olga, "", otherSession);
        assertThat(stolen.status()).isEqualTo(403);
        assertThat(Fixture.json(stolen).get("error").asText()).contains("another session");

        String late = confirmation(olga, "olgapassword", "/nodes/n2/standby");
        f.clock.advance(Confirmations.TTL);
        ApiResponse expired = f.confirmed("/nodes/n2/standby", olga, "", late);
        assertThat(expired.status()).isEqualTo(403);
        assertThat(Fixture.json(expired).get("error").asText()).contains("expired");

        String inTime = confirmation(olga, "olgapassword", "/nodes/n2/standby");
        f.clock.advance(Confirmations.TTL.minusSeconds(1));
        assertThat(f.confirmed("/nodes/n2/standby", olga, "", inTime).status()).isEqualTo(200);
        assertThat(f.calls).containsExactly("standby n2");
    }

    @Test
    void badInputIsRefusedBeforeTheConfirmationIsUsed() {
        String olga = f.login("olga");
        String c = confirmation(olga, "olgapassword", "/groups/web/switchover");
        ApiResponse bad = f.confirmed("/groups/web/switchover", olga, "{\"nod\":\"n2\"}", c);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(Fixture.json(bad).get("field").asText()).isEqualTo("nod");
        assertThat(f.confirmed("/groups/web/switchover", olga, "{\"node\":\"n2\"}", c).status()).isEqualTo(200);
    }

    @Test
    void aWrongPasswordIsAuditedAndRateLimitedWithTheLogins() {
        String olga = f.login("olga");
        for (int i = 0; i < 5; i++) {
            ApiResponse r = f.call("POST", "/confirm", olga, "{\"password\":\"guess" + i + "\",\"path\":"
                    + "\"/groups/web/switchover\"}");
            assertThat(r.status()).isEqualTo(403);
            assertThat(Fixture.json(r).get("field").asText()).isEqualTo("password");
            assertThat(lastAudit().operation()).isEqualTo("confirm");
            assertThat(lastAudit().success()).isFalse();
            assertThat(lastAudit().result()).isEqualTo("wrong password");
        }
        ApiResponse limited = f.call("POST", "/confirm", olga, "{\"password\":\"olgapassword\",\"path\":"
                + "\"/groups/web/switchover\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsKey("Retry-After");
        // the same limiter as the logins: that address cannot log in either
        assertThat(f.call("POST", "/login", null, "{\"username\":\"olga\",\"password\":\"olgapassword\"}")
                .status()).isEqualTo(429);
        f.clock.advance(Duration.ofSeconds(61));
        confirmation(olga, "olgapassword", "/groups/web/switchover");
    }

    @Test
    void onlyOperationsThatNeedItCanBeConfirmedAndOnlyByWhoMayDoThem() {
        String olga = f.login("olga");
        for (String path : new String[] {"/nodes/n1/online", "/status", "/nowhere", "groups/web/switchover"}) {
            ApiResponse r = f.call("POST", "/confirm", olga, "{\"password\":\"olgapassword\",\"path\":\"" + path
                    + "\"}");
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(Fixture.json(r).get("field").asText()).isEqualTo("path");
        }
        ApiResponse noPath = f.call("POST", "/confirm", olga, "{\"password\":\"olgapassword\"}");
        assertThat(Fixture.json(noPath).get("field").asText()).isEqualTo("path");
        ApiResponse extra = f.call("POST", "/confirm", olga, "{\"password\":\"x\",\"path\":\"/nodes/n1/standby\","
                + "\"node\":1}");
        assertThat(Fixture.json(extra).get("field").asText()).isEqualTo("node");
        // an operator cannot confirm an admin's operation, a viewer not even an operator's
        ApiResponse promote = f.call("POST", "/confirm", olga, "{\"password\":\"olgapassword\",\"path\":"
                + "\"/mirror/volumes/vol0/promote\"}");
        assertThat(promote.status()).isEqualTo(403);
        String vera = f.login("vera");
        assertThat(f.call("POST", "/confirm", vera, "{\"password\":\"verapassword\",\"path\":"
                + "\"/nodes/n1/standby\"}").status()).isEqualTo(403);
        assertThat(f.call("POST", "/confirm", null, "{\"password\":\"x\",\"path\":\"/nodes/n1/standby\"}")
                .status()).isEqualTo(401);
    }

    @Test
    void everyOperationNamedNeedsAConfirmationOnItsRoute() {
        Set<String> routed = new HashSet<>();
        RestApi.ROUTES.forEach(r -> routed.add(RestApi.operation(r)));
        assertThat(routed).containsAll(Confirmations.OPERATIONS);
        String admin = f.login("admin");
        for (RestApi.Route r : RestApi.ROUTES) {
            if (Confirmations.OPERATIONS.contains(RestApi.operation(r))) {
                String path = PlatformFakes.samplePath(r.template().replace("{group}", "web")
                        .replace("{node}", "n2").replace("{resource}", "vip").replace("{volume}", "vol0"));
                String body = r.template().endsWith("/resume-io") ? "{\"force\":true}" : PlatformFakes.sampleBody(r);
                ApiResponse resp = f.call("POST", path, admin, body);
                assertThat(resp.status()).as(r + " " + resp.text()).isEqualTo(428);
            }
        }
        assertThat(f.calls).isEmpty();
    }
}
