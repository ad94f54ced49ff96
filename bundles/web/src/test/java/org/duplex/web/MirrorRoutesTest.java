package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;

/** The mirror's routes: roles, the body's fields, errors naming what is at fault, the audit, 503 without a mirror. */
class MirrorRoutesTest {

    private final Fixture f = new Fixture();

    private AuditEntry lastAudit() {
        return f.audit.get(f.audit.size() - 1);
    }

    @Test
    void aViewerReadsTheVolumesAndOneVolume() {
        String vera = f.login("vera");
        ApiResponse list = f.call("GET", "/mirror/volumes", vera, null);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        JsonNode volumes = Fixture.json(list);
        assertThat(volumes).hasSize(2);
        JsonNode vol0 = volumes.get(0);
        assertThat(vol0.get("name").asText()).isEqualTo("vol0");
        assertThat(vol0.get("role").asText()).isEqualTo("PRIMARY");
        assertThat(vol0.get("localDisk").asText()).isEqualTo("UP_TO_DATE");
        assertThat(vol0.get("generations").get("current").asText()).isEqualTo("00000000000000A1");
        assertThat(vol0.get("exportAddress").asText()).isEqualTo("nbd://127.0.0.1:10809/vol0");
        assertThat(vol0.get("etaSeconds").isNull()).isTrue();
        assertThat(vol0.has("ioSuspended") && vol0.has("splitBrain") && vol0.has("dirtyBytes")).isTrue();
        ApiResponse one = f.call("GET", "/mirror/volumes/vol1", vera, null);
        assertThat(Fixture.json(one).get("connection").asText()).isEqualTo("STANDALONE");
        // reads are not audited: only the two logins are there
        assertThat(f.audit).extracting(AuditEntry::operation).containsExactly("login");
    }

    @Test
    void anUnknownVolumeIs404NamingItAndABadName400() {
        String admin = f.login("admin");
        ApiResponse get = f.call("GET", "/mirror/volumes/nosuch", admin, null);
        assertThat(get.status()).isEqualTo(404);
        assertThat(Fixture.json(get).get("field").asText()).isEqualTo("volume");
        assertThat(Fixture.json(get).get("error").asText()).contains("'nosuch'", "vol0, vol1");
        ApiResponse promote = f.call("POST", "/mirror/volumes/nosuch/promote", admin, "{}");
        assertThat(promote.status()).isEqualTo(404);
        assertThat(lastAudit().operation()).isEqualTo("mirror-promote");
        assertThat(lastAudit().arguments()).isEqualTo("volume=nosuch");
        assertThat(lastAudit().success()).isFalse();
        assertThat(lastAudit().result()).startsWith("404: no mirror volume 'nosuch'");
        ApiResponse bad = f.call("POST", "/mirror/volumes/-x/connect", admin, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(Fixture.json(bad).get("field").asText()).isEqualTo("volume");
        assertThat(f.call("DELETE", "/mirror/volumes/vol0", admin, null).status()).isEqualTo(405);
        assertThat(f.calls).isEmpty();
    }

    @Test
    void rolesViewerAndOperatorReadAndOnlyAnAdminOperatesAsInTheShellsAcl() {
        String[] ops = {"verify", "connect", "disconnect", "resume-io", "promote", "demote", "invalidate",
                "resolve-split-brain"};
        for (String user : new String[] {"vera", "olga"}) {
            String token = f.login(user);
            assertThat(f.call("GET", "/mirror/volumes", token, null).status()).isEqualTo(200);
            for (String op : ops) {
                ApiResponse r = f.call("POST", "/mirror/volumes/vol1/" + op, token, "{}");
                assertThat(r.status()).as(user + " " + op).isEqualTo(403);
                assertThat(Fixture.json(r).get("error").asText()).contains(user, "admin");
                assertThat(lastAudit().operation()).isEqualTo("mirror-" + op);
                assertThat(lastAudit().arguments()).isEqualTo("volume=vol1");
                assertThat(lastAudit().result()).startsWith("denied");
            }
        }
        assertThat(f.calls).isEmpty();
        String admin = f.login("admin");
        assertThat(f.call("POST", "/mirror/volumes/vol0/verify", admin, null).status()).isEqualTo(200);
        assertThat(f.call("POST", "/mirror/volumes/vol0/disconnect", admin, "{}").status()).isEqualTo(200);
        assertThat(f.call("POST", "/mirror/volumes/vol0/connect", admin, "{}").status()).isEqualTo(200);
        assertThat(f.call("POST", "/mirror/volumes/vol0/resume-io", admin, "{\"force\":true}").status())
                .isEqualTo(200);
        assertThat(f.calls).containsExactly("mirror-verify vol0", "mirror-disconnect vol0", "mirror-connect vol0",
                "mirror-resume-io vol0");
    }

    @Test
    void anAdminPromotesWithEpochAndForceDemotesInvalidatesAndResolvesAllAudited() {
        String admin = f.login("admin");
        ApiResponse p = f.call("POST", "/mirror/volumes/vol1/promote", Map.of(), admin,
                "{\"epoch\":12,\"force\":true}", "192.0.2.9");
        assertThat(p.status()).as(p.text()).isEqualTo(200);
        JsonNode outcome = Fixture.json(p);
        assertThat(outcome.get("operation").asText()).isEqualTo("promote");
        assertThat(outcome.get("status").get("role").asText()).isEqualTo("PRIMARY");
        assertThat(lastAudit()).isEqualTo(new AuditEntry(f.clock.now, "admin", "192.0.2.9", "rest", "mirror-promote",
                "volume=vol1 epoch=12 force", true, "ok"));
        // a primary refuses to be invalidated or to discard its changes: 409 with the volume's reason, audited
        ApiResponse inv = f.call("POST", "/mirror/volumes/vol1/invalidate", admin, null);
        assertThat(inv.status()).isEqualTo(409);
        assertThat(Fixture.json(inv).get("error").asText()).isEqualTo("cannot invalidate vol1 while primary");
        assertThat(lastAudit().success()).isFalse();
        assertThat(lastAudit().result()).isEqualTo("409: cannot invalidate vol1 while primary");
        assertThat(f.call("POST", "/mirror/volumes/vol1/resolve-split-brain", admin, "{\"discardLocal\":true}")
                .status()).isEqualTo(409);
        assertThat(f.call("POST", "/mirror/volumes/vol1/demote", admin, "{}").status()).isEqualTo(200);
        assertThat(f.call("POST", "/mirror/volumes/vol1/invalidate", admin, "{}").status()).isEqualTo(200);
        ApiResponse victim = f.call("POST", "/mirror/volumes/vol1/resolve-split-brain", admin,
                "{\"discardLocal\":true}");
        assertThat(victim.status()).isEqualTo(200);
        assertThat(lastAudit().arguments()).isEqualTo("volume=vol1 discardLocal");
        assertThat(f.call("POST", "/mirror/volumes/vol0/resolve-split-brain", admin, "").status()).isEqualTo(200);
        assertThat(f.call("POST", "/mirror/volumes/vol0/promote", admin, "").status()).isEqualTo(200);
        assertThat(f.calls).containsExactly("mirror-promote vol1 epoch=12 force", "mirror-demote vol1",
                "mirror-invalidate vol1", "mirror-resolve-split-brain vol1 discardLocal",
                "mirror-resolve-split-brain vol0", "mirror-promote vol0 epoch=null");
    }

    @Test
    void badBodiesAre400NamingTheFieldAndCallNothing() {
        String admin = f.login("admin");
        Map<String, String[]> cases = Map.of(
                "promote", new String[] {"{\"epoch\":-1}", "epoch"},
                "demote", new String[] {"{\"force\":true}", "force"},
                "resume-io", new String[] {"{}", "force"},
                "resolve-split-brain", new String[] {"{\"discardLocal\":\"yes\"}", "discardLocal"},
                "connect", new String[] {"[1]", "(body)"},
                "verify", new String[] {"{\"volume\":\"vol1\"}", "volume"});
        cases.forEach((op, c) -> {
            ApiResponse r = f.call("POST", "/mirror/volumes/vol0/" + op, admin, c[0]);
            assertThat(r.status()).as(op + " " + c[0]).isEqualTo(400);
            assertThat(Fixture.json(r).get("field").asText()).as(op + " " + c[0]).isEqualTo(c[1]);
        });
        for (String epoch : new String[] {"1.5", "\"7\"", "true", "99999999999999999999"}) {
            ApiResponse r = f.call("POST", "/mirror/volumes/vol0/promote", admin, "{\"epoch\":" + epoch + "}");
            assertThat(r.status()).as(epoch).isEqualTo(400);
            assertThat(Fixture.json(r).get("field").asText()).isEqualTo("epoch");
        }
        ApiResponse resume = f.call("POST", "/mirror/volumes/vol0/resume-io", admin, "{\"force\":false}");
        assertThat(Fixture.json(resume).get("error").asText()).contains("power the peer node off");
        assertThat(f.calls).isEmpty();
    }

    @Test
    void withoutTheMirrorEveryRouteIs503AndAMutationIsAuditedAsFailed() {
        f.mirror = null;
        String admin = f.login("admin");
        ApiResponse list = f.call("GET", "/mirror/volumes", admin, null);
        assertThat(list.status()).isEqualTo(503);
        assertThat(Fixture.json(list).get("error").asText()).contains("feature:install duplex-mirror");
        assertThat(f.call("GET", "/mirror/volumes/vol0", admin, null).status()).isEqualTo(503);
        assertThat(f.call("POST", "/mirror/volumes/vol0/demote", admin, null).status()).isEqualTo(503);
        assertThat(lastAudit().operation()).isEqualTo("mirror-demote");
        assertThat(lastAudit().success()).isFalse();
        assertThat(lastAudit().result()).startsWith("503: the mirror is not running");
        // the input is still checked first: a bad body is 400 whether or not the mirror runs
        assertThat(f.call("POST", "/mirror/volumes/vol0/promote", admin, "{\"epoch\":\"x\"}").status())
                .isEqualTo(400);
        // and the rest of the API is unaffected
        assertThat(f.call("GET", "/status", admin, null).status()).isEqualTo(200);
    }
}
