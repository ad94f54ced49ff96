package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

class OpenApiTest {

    @Test
    void theDocumentListsExactlyTheEndpointsThatExist() throws Exception {
        JsonNode doc = Fixture.JSON.readTree(RestApi.openApiDocument());
        Set<String> documented = new HashSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        Set<String> routed = new HashSet<>();
        RestApi.ROUTES.forEach(r -> routed.add(r.method() + " " + r.template()));
        assertThat(documented).isEqualTo(routed);
        RestApi.ROUTES.forEach(r -> {
            JsonNode op = doc.get("paths").get(r.template()).get(r.method().toLowerCase());
            assertThat(op.get("x-duplex-role").asText()).as(r.toString())
                    .isEqualTo(r.role() == null ? "none" : r.role().word());
            assertThat(op.path("x-duplex-confirm").asBoolean(false)).as(r + " x-duplex-confirm")
                    .isEqualTo(Confirmations.OPERATIONS.contains(RestApi.operation(r)));
        });
    }

    @Test
    void everyEndpointAnswersOtherThan404() {
        Fixture f = new Fixture();
        String token = f.login("admin");
        for (RestApi.Route r : RestApi.ROUTES) {
            if (ClusterRoutes.handles(r) && !r.equals(ClusterRoutes.LIST)) {
                continue; // they need another cluster's TLS server: ClusterRoutesTest drives them against one
            }
            String path = PlatformFakes.samplePath(r.template().replace("{group}", "web").replace("{node}", "n2")
                    .replace("{resource}", "vip").replace("{volume}", "vol0"));
            String body = r.template().equals("/login") ? "{\"username\":\"vera\",\"password\":\"verapassword\"}"
                    : r.template().equals("/confirm")
                    ? "{\"password\":\"adminpassword\",\"path\":\"/nodes/n2/standby\"}"
                    : r.template().endsWith("/resume-io") ? "{\"force\":true}" : PlatformFakes.sampleBody(r);
            ApiResponse resp = f.call(r.method(), path, r.template().equals("/logout") ? f.login("vera") : token, body);
            assertThat(resp.status()).as(r + " " + resp.text()).isEqualTo(200);
        }
    }
}
