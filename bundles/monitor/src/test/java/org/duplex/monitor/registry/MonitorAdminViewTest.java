package org.duplex.monitor.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.admin.AdminException;
import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitorAdminViewTest {

    private final MonitorRegistry registry = new MonitorRegistry();
    private final MonitorAdminView view = new MonitorAdminView(registry, () -> Duration.ofMillis(1500));

    @AfterEach
    void close() {
        registry.close();
    }

    private static final ResourceMonitor PING = new ResourceMonitor() {
        @Override
        public String type() {
            return "ping";
        }

        @Override
        public List<String> validate(Map<String, String> params) {
            return params.containsKey("host") ? List.of() : List.of("host: required");
        }

        @Override
        public HealthStatus check(Map<String, String> params, Duration timeout) {
            return params.get("host").equals("10.0.0.1") ? HealthStatus.healthy("answered", Duration.ZERO)
                    : HealthStatus.unhealthy("no answer from " + params.get("host"), Duration.ZERO);
        }
    };

    @Test
    void listsTypesAndRunsACheckWhoseVerdictIsAValue() throws Exception {
        registry.add(PING);
        assertThat(view.types()).containsExactly("ping");
        assertThat(view.defaultTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(view.check("ping", Map.of("host", "10.0.0.1"), Duration.ofSeconds(1)).health())
                .isEqualTo(Health.HEALTHY);
        HealthStatus down = view.check("ping", Map.of("host", "10.0.0.2"), Duration.ofSeconds(1));
        assertThat(down.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(down.reason()).isEqualTo("no answer from 10.0.0.2");
    }

    @Test
    void anUnknownTypeOrRejectedParametersAreRefusedNamingTheField() {
        assertThatThrownBy(() -> view.check("ping", Map.of(), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("type");
                    assertThat(e.getMessage()).contains("no monitor of type 'ping'").contains("installed: none");
                });
        registry.add(PING);
        assertThatThrownBy(() -> view.check("ping", Map.of(), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID);
                    assertThat(e.field()).isEqualTo("params");
                    assertThat(e.getMessage()).isEqualTo("invalid parameters for 'ping': host: required");
                });
    }
}
