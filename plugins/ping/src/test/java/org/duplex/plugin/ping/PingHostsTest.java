package org.duplex.plugin.ping;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.ping.PingCheck.Outcome;
import org.duplex.plugin.ping.PingCheck.Probe;
import org.junit.jupiter.api.Test;

/** Several targets as node health: 127.0.0.x addresses, each listening, refusing or silent on the same port. */
class PingHostsTest {

    private final PingCheck check = new PingCheck();

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    private static ServerSocket listen(String address, int port) throws Exception {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(ip(address), port), 50);
        return s;
    }

    @Test
    void allTargetsAnsweringIsHealthy() throws Exception {
        try (ServerSocket one = listen("127.0.0.1", 0); ServerSocket two = listen("127.0.0.2", one.getLocalPort())) {
            int port = one.getLocalPort();
            HealthStatus s = check.check(Map.of("hosts", "127.0.0.1,127.0.0.2", "port", "" + port),
                    Duration.ofSeconds(2));
            assertThat(s.health()).isEqualTo(Health.HEALTHY);
            assertThat(s.reason()).startsWith("2 of 2 answered (1 needed): ")
                    .contains("127.0.0.1:" + port + " accepted a connection")
                    .contains("127.0.0.2:" + port + " accepted a connection");
        }
    }

    @Test
    void enoughButNotAllIsDegradedTooFewIsUnhealthy() throws Exception {
        try (ServerSocket one = listen("127.0.0.1", 0); ServerSocket two = listen("127.0.0.2", one.getLocalPort())) {
            int port = one.getLocalPort();
            String hosts = "127.0.0.1,127.0.0.2,127.0.0.3"; // nothing listens on 127.0.0.3
            HealthStatus two3 = check.check(Map.of("hosts", hosts, "port", "" + port, "min-reachable", "2"),
                    Duration.ofSeconds(2));
            assertThat(two3.health()).isEqualTo(Health.DEGRADED);
            assertThat(two3.reason()).startsWith("2 of 3 answered (2 needed): ")
                    .contains("no connection to 127.0.0.3:" + port);

            HealthStatus all = check.check(Map.of("hosts", hosts, "port", "" + port, "min-reachable", "3"),
                    Duration.ofSeconds(2));
            assertThat(all.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(all.reason()).startsWith("2 of 3 answered (3 needed): ");
        }
    }

    @Test
    void aSilentTargetCostsOneTimeoutNotOnePerTarget() throws Exception {
        try (SilentPort silent = new SilentPort(ip("127.0.0.1"), 0);
             ServerSocket open = listen("127.0.0.2", silent.port())) {
            int port = silent.port();
            Duration timeout = Duration.ofMillis(2000);
            long t0 = System.nanoTime();
            HealthStatus s = check.check(Map.of("hosts", "127.0.0.1,127.0.0.2,127.0.0.3", "port", "" + port),
                    timeout);
            Duration wall = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(s.health()).isEqualTo(Health.DEGRADED);
            assertThat(s.reason()).startsWith("1 of 3 answered (1 needed): ")
                    .contains("no connection to 127.0.0.1:" + port + " within")
                    .contains("127.0.0.2:" + port + " accepted a connection")
                    .contains("no connection to 127.0.0.3:" + port);
            assertThat(s.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000)); // margin: loaded CI scheduling
            assertThat(wall).isLessThan(timeout.plusMillis(1000));

            HealthStatus alone = check.check(Map.of("host", "127.0.0.1", "port", "" + port), timeout);
            assertThat(alone.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(alone.reason()).startsWith("no connection to 127.0.0.1:" + port + " within");
            assertThat(alone.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000)); // margin: loaded CI scheduling
        }
    }

    @Test
    void echoModeWithSeveralTargets() {
        HealthStatus s = check.check(Map.of("hosts", "127.0.0.1,127.0.0.2"), Duration.ofSeconds(2));
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).startsWith("2 of 2 answered (1 needed): 127.0.0.1 answered in");
    }

    @Test
    void undecidedTargetsThatCouldTipTheBalanceMakeItUnknown() {
        Probe ok = new Probe("a", Outcome.ANSWERED, "a answered in 1.0 ms");
        Probe no = new Probe("b", Outcome.NO_ANSWER, "no answer from b within 900 ms");
        Probe dunno = new Probe("c", Outcome.UNDECIDED, "could not resolve c within 900 ms");
        Duration d = Duration.ZERO;
        assertThat(PingCheck.verdict(List.of(ok, no, dunno), 2, true, d).health()).isEqualTo(Health.UNKNOWN);
        assertThat(PingCheck.verdict(List.of(ok, no, dunno), 1, true, d).health()).isEqualTo(Health.DEGRADED);
        assertThat(PingCheck.verdict(List.of(no, no, dunno), 2, true, d).health()).isEqualTo(Health.UNHEALTHY);
        assertThat(PingCheck.verdict(List.of(dunno), 1, false, d).reason())
                .isEqualTo("could not resolve c within 900 ms");
    }
}
