package org.duplex.plugin.ping;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.Test;

class PingCheckTest {

    private final PingCheck check = new PingCheck();

    @Test
    void openPortOnLoopbackIsHealthy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HealthStatus s = check.check(Map.of("host", "127.0.0.1", "port", String.valueOf(server.getLocalPort())),
                    Duration.ofSeconds(2));
            assertThat(s.health()).isEqualTo(Health.HEALTHY);
            assertThat(s.reason()).contains("accepted a connection");
        }
    }

    @Test
    void closedPortIsUnhealthyWithTheAddressInTheReason() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        HealthStatus s = check.check(Map.of("host", "127.0.0.1", "port", String.valueOf(port)),
                Duration.ofSeconds(2));
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).contains("127.0.0.1:" + port);
    }

    @Test
    void loopbackAnswersAnEcho() {
        HealthStatus s = check.check(Map.of("host", "127.0.0.1"), Duration.ofSeconds(2));
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void badParametersAreNamedAndNeverThrow() {
        assertThat(check.validate(Map.of())).containsExactly(
                "host: required (an IP address or a name, for example host=192.168.1.1; or hosts=a,b,c for several)");
        assertThat(check.validate(Map.of("host", "h", "port", "x"))).containsExactly("port: 'x' is not a number");
        assertThat(check.validate(Map.of("host", "h", "port", "70000"))).containsExactly(
                "port: 70000 is outside 1-65535");
        assertThat(check.validate(Map.of("host", "h", "colour", "red"))).containsExactly(
                "colour: unknown parameter (ping takes host or hosts, min-reachable and port)");
        assertThat(check.validate(Map.of("host", "a", "hosts", "b,c"))).containsExactly(
                "hosts: give either host (one target) or hosts (several), not both");
        assertThat(check.validate(Map.of("hosts", "a,,b"))).containsExactly("hosts: 'a,,b' has an empty entry");
        assertThat(check.validate(Map.of("hosts", "a,b,a"))).containsExactly("hosts: 'a,b,a' names a target twice");
        assertThat(check.validate(Map.of("hosts", " "))).hasSize(1).allMatch(p -> p.startsWith("hosts: empty"));
        assertThat(check.validate(Map.of("hosts", "a,b", "min-reachable", "3"))).containsExactly(
                "min-reachable: 3 is outside 1-2 (the number of targets)");
        assertThat(check.validate(Map.of("hosts", "a,b", "min-reachable", "0"))).hasSize(1);
        assertThat(check.validate(Map.of("hosts", "a,b", "min-reachable", "two"))).containsExactly(
                "min-reachable: 'two' is not a number");
        HealthStatus s = check.check(Map.of("port", "x"), Duration.ofSeconds(1));
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("invalid parameters: host: required");
    }

    @Test
    void unresolvableNameIsUnhealthy() {
        HealthStatus s = check.check(Map.of("host", "no-such-host.invalid"), Duration.ofSeconds(1));
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).contains("cannot resolve no-such-host.invalid");
    }
}
