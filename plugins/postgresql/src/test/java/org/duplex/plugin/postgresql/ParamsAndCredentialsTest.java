package org.duplex.plugin.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.monitor.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters and the password file, without a server. */
class ParamsAndCredentialsTest {

    @Test
    void replicationProblemsNameTheirParameter() {
        PgReplication r = new PgReplication();
        assertThat(r.validate(Map.of("data-dir", "/srv/pg", "hosts", "node1,node2:10.0.0.2:99999,node3:a b",
                "synchronous-standby-names", "x'y")))
                .containsExactlyInAnyOrder(
                        "hosts: 'node:host[:port]' items separated by commas, was 'node1'",
                        "hosts: port of node2 must be 1-65535, was '99999'",
                        "hosts: host of node3 must be a name or IPv4 address, was 'a b'",
                        "synchronous-standby-names: no quotes, backslashes or line breaks, was 'x'y'");
        assertThat(PgReplication.peers(Map.of("hosts", "node1:10.0.0.1, node2:db2.example:5433"), 5432,
                new java.util.ArrayList<>())).containsExactly(
                Map.entry("node1", new PgReplication.Peer("10.0.0.1", 5432)),
                Map.entry("node2", new PgReplication.Peer("db2.example", 5433)));
        assertThat(PgReplication.lsnText(PgReplication.parseLsn("1A/3000148"))).isEqualTo("1A/3000148");
        assertThat(PgReplication.parseConninfo("host=10.0.0.1 port=5432 user=postgres password='it''s \\'x'"))
                .containsEntry("host", "10.0.0.1").containsEntry("port", "5432");
    }

    @Test
    void agentProblemsNameEachBadParameter() {
        assertThat(new PgControl().validate(Map.of())).containsExactly("data-dir: required (an absolute path)");
        assertThat(new PgControl().validate(Map.of("data-dir", "pgdata", "port", "70000", "os-user", "bad user",
                "stop-fast", "soon", "socket-dir", "/tmp/a dir", "max-lag", "1s")))
                .containsExactlyInAnyOrder(
                        "max-lag: unknown parameter (known: bin-dir, config-file, connect-timeout, data-dir, database,"
                                + " host, hosts, log-file, os-user, password-file, port, promotable, promote-force,"
                                + " promote-max-lag, socket-dir, stop-fast, stop-immediate, synchronous-standby-names,"
                                + " user)",
                        "data-dir: must be an absolute path, was 'pgdata'",
                        "port: must be a TCP port 1-65535, was '70000'",
                        "os-user: must be a plain name (letters, digits, _ . - $), was 'bad user'",
                        "stop-fast: not a duration (500ms, 2s, 1m), was 'soon'",
                        "socket-dir: only letters, digits and _ . / + - are allowed, was '/tmp/a dir'");
        assertThat(new PgControl().validate(Map.of("data-dir", "/srv/pg", "port", "5433"))).isEmpty();
    }

    @Test
    void badParametersAreConfigurationErrorsNotHangs() throws Exception {
        var r = new PgControl().start(Map.of("data-dir", "relative"), Duration.ofSeconds(1));
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).isEqualTo("data-dir: must be an absolute path, was 'relative'");
        assertThat(new PgControl().stop(Map.of(), Duration.ofSeconds(1)).status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(new PgControl().monitor(Map.of(), Duration.ofSeconds(1)).status())
                .isEqualTo(OcfStatus.ERR_CONFIGURED);
    }

    @Test
    void monitorProblemsNameEachBadParameter() {
        PgHealthCheck c = new PgHealthCheck();
        assertThat(c.validate(Map.of())).isEmpty();
        assertThat(c.validate(Map.of("role", "master", "max-lag-bytes", "lots", "max-connections-used", "120",
                "max-transaction-age", "-1s", "min-free", "2GB", "data-dir", "var")))
                .containsExactlyInAnyOrder("role: must be primary or standby, was 'master'",
                        "max-lag-bytes: not a size (4096, 512MiB, 2G, 1.5TiB), was 'lots'",
                        "max-connections-used: must be a percentage above 0 and at most 100, was '120'",
                        "max-transaction-age: must be positive, was '-1s'",
                        "min-free: not a size (4096, 512MiB, 2G, 1.5TiB), was '2GB'",
                        "data-dir: must be an absolute path, was 'var'");
    }

    @Test
    void monitorWithBadParametersCannotTell() throws Exception {
        var h = new PgHealthCheck().check(Map.of("role", "leader"), Duration.ofSeconds(1));
        assertThat(h.health()).isEqualTo(Health.UNKNOWN);
        assertThat(h.reason()).isEqualTo("bad parameters: role: must be primary or standby, was 'leader'");
    }

    @Test
    void anOpenPasswordFileMakesTheMonitorUnknownAndIsNeverRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-secret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        var h = new PgHealthCheck().check(Map.of("password-file", f.toString(), "port", "1"), Duration.ofSeconds(2));
        assertThat(h.health()).isEqualTo(Health.UNKNOWN);
        assertThat(h.reason()).contains("refused (chmod 600").doesNotContain("hunter2");
    }
}
