package org.duplex.monitor.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitorRegistryTest {

    private final MonitorRegistry registry = new MonitorRegistry();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void close() {
        never.countDown();
        registry.close();
    }

    private static ResourceMonitor monitor(String type, Behaviour behaviour) {
        return new ResourceMonitor() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<String> validate(Map<String, String> params) {
                return params.containsKey("bad") ? List.of("bad: not allowed") : List.of();
            }

            @Override
            public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
                return behaviour.run();
            }
        };
    }

    interface Behaviour {
        HealthStatus run() throws InterruptedException;
    }

    @Test
    void monitorsComeAndGoWithTheirPlugins() {
        ResourceMonitor ping = monitor("ping", () -> HealthStatus.healthy("ok", Duration.ZERO));
        registry.add(ping);
        assertThat(registry.types()).containsExactly("ping");
        assertThat(registry.check("ping", Map.of(), Duration.ofSeconds(1)).health()).isEqualTo(Health.HEALTHY);
        registry.remove(ping);
        assertThat(registry.types()).isEmpty();
        assertThat(registry.check("ping", Map.of(), Duration.ofSeconds(1)).reason())
                .contains("no monitor of type 'ping' is installed");
    }

    @Test
    void removingAReplacedMonitorKeepsTheNewOne() {
        ResourceMonitor a = monitor("ping", () -> HealthStatus.healthy("a", Duration.ZERO));
        ResourceMonitor b = monitor("ping", () -> HealthStatus.healthy("b", Duration.ZERO));
        registry.add(a);
        registry.add(b);
        registry.remove(a);
        assertThat(registry.check("ping", Map.of(), Duration.ofSeconds(1)).reason()).isEqualTo("b");
    }

    @Test
    void invalidParametersAreReportedNotRun() {
        registry.add(monitor("x", () -> {
            throw new AssertionError("must not run");
        }));
        HealthStatus s = registry.check("x", Map.of("bad", "1"), Duration.ofSeconds(1));
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).isEqualTo("invalid parameters for 'x': bad: not allowed");
    }

    @Test
    void aPluginThatThrowsOrHangsGivesUnknownNotAHungCaller() {
        registry.add(monitor("boom", () -> {
            throw new IllegalStateException("kaputt");
        }));
        registry.add(monitor("hang", () -> {
            never.await();
            return HealthStatus.healthy("late", Duration.ZERO);
        }));
        assertThat(registry.check("boom", Map.of(), Duration.ofSeconds(1)).reason()).contains("kaputt");
        HealthStatus hung = registry.check("hang", Map.of(), Duration.ofMillis(50));
        assertThat(hung.health()).isEqualTo(Health.UNKNOWN);
        assertThat(hung.reason()).isEqualTo("'hang' check did not return within 50 ms");
    }
}
