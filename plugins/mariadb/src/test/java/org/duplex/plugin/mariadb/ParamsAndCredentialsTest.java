package org.duplex.plugin.mariadb;

import org.duplex.plugin.support.Credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.monitor.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters, the server's command line and the password file, without a server. */
class ParamsAndCredentialsTest {

    @Test
    void agentProblemsNameEachBadParameter() {
        assertThat(new MariadbControl().validate(Map.of())).containsExactly("data-dir: required (an absolute path)");
        assertThat(new MariadbControl().validate(Map.of("data-dir", "dbdata", "port", "70000", "user", "bad user",
                "stop-graceful", "soon", "tls", "maybe", "max-lag", "1s", "bind-address", "a b")))
                .containsExactlyInAnyOrder(
                        "max-lag: unknown parameter (known: bind-address, config-file, connect-timeout, data-dir,"
                                + " host, hosts, log-file, mariadbd, password-file, pid-file, port, promotable,"
                                + " promote-force, promote-max-lag, semi-sync, semi-sync-timeout, socket,"
                                + " stop-graceful, tls, user)",
                        "data-dir: must be an absolute path, was 'dbdata'",
                        "port: must be a TCP port 1-65535, was '70000'",
                        "user: must be a plain name (letters, digits, _ . - $), was 'bad user'",
                        "stop-graceful: not a duration (500ms, 2s, 1m), was 'soon'",
                        "tls: must be one of disable, trust, verify-ca, verify-full, was 'maybe'",
                        "bind-address: must be a host name or address, was 'a b'");
        assertThat(new MariadbControl().validate(Map.of("data-dir", "/srv/db", "port", "3307"))).isEmpty();
        String longDir = "/srv/" + "d".repeat(100);
        assertThat(new MariadbControl().validate(Map.of("data-dir", longDir))).containsExactly("socket: " + longDir
                + "/mariadbd.sock is longer than the 107 bytes a Unix socket path may have (set socket to a shorter"
                + " path)");
    }

    @Test
    void theServersCommandLine() {
        var s = MariadbControl.parse(Map.of("data-dir", "/srv/db/data", "port", "3307", "bind-address", "10.0.0.5"),
                new java.util.ArrayList<>());
        assertThat(MariadbControl.command(s, Optional.of("mysql"))).endsWith("--reuid=mysql", "--regid=mysql",
                "--init-groups", "--", "/usr/sbin/mariadbd", "--no-defaults", "--datadir=/srv/db/data",
                "--socket=/srv/db/data/mariadbd.sock", "--port=3307", "--pid-file=/srv/db/data/mariadbd.pid",
                "--log-error=/srv/db/data/duplex-mariadb.err", "--bind-address=10.0.0.5");
        var withConfig = MariadbControl.parse(Map.of("data-dir", "/srv/db/data", "config-file", "/srv/db/my.cnf"),
                new java.util.ArrayList<>());
        assertThat(MariadbControl.command(withConfig, Optional.empty())).first().asString().endsWith("setsid");
        assertThat(MariadbControl.command(withConfig, Optional.empty())).contains("--defaults-file=/srv/db/my.cnf")
                .doesNotContain("--no-defaults").noneMatch(a -> a.contains("setpriv"));
    }

    @Test
    void badParametersAreConfigurationErrorsNotHangs() throws Exception {
        var r = new MariadbControl().start(Map.of("data-dir", "relative"), Duration.ofSeconds(1));
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).isEqualTo("data-dir: must be an absolute path, was 'relative'");
        assertThat(new MariadbControl().stop(Map.of(), Duration.ofSeconds(1)).status())
                .isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(new MariadbControl().monitor(Map.of(), Duration.ofSeconds(1)).status())
                .isEqualTo(OcfStatus.ERR_CONFIGURED);
    }

    @Test
    void monitorProblemsNameEachBadParameter() {
        MariadbHealthCheck c = new MariadbHealthCheck();
        assertThat(c.validate(Map.of())).isEmpty();
        assertThat(c.validate(Map.of("role", "master", "max-lag", "lots", "max-connections-used", "120",
                "max-transaction-age", "-1s", "min-free", "2GB", "data-dir", "var")))
                .containsExactlyInAnyOrder("role: must be primary or replica, was 'master'",
                        "max-lag: not a duration (500ms, 2s, 1m), was 'lots'",
                        "max-connections-used: must be a percentage above 0 and at most 100, was '120'",
                        "max-transaction-age: must be positive, was '-1s'",
                        "min-free: not a size (4096, 512MiB, 2G, 1.5TiB), was '2GB'",
                        "data-dir: must be an absolute path, was 'var'");
    }

    @Test
    void monitorWithBadParametersCannotTell() throws Exception {
        var h = new MariadbHealthCheck().check(Map.of("role", "leader"), Duration.ofSeconds(1));
        assertThat(h.health()).isEqualTo(Health.UNKNOWN);
        assertThat(h.reason()).isEqualTo("bad parameters: role: must be primary or replica, was 'leader'");
    }

    @Test
    void passwordFileMustBeOwnerOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-secret\nsecond line ignored\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Credentials.readPassword(f)).isInstanceOf(Credentials.RefusedException.class)
                .hasMessage("password-file " + f + ": mode rw-r--r-- lets its group or others read or write it;"
                        + " refused (chmod 600 " + f + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThat(new String(Credentials.readPassword(f))).isEqualTo("hunter2-secret");

        Path empty = dir.resolve("empty");
        Files.writeString(empty, "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> Credentials.readPassword(empty))
                .hasMessage("password-file " + empty + ": empty (the first line is the password)");
        assertThatThrownBy(() -> Credentials.readPassword(dir.resolve("missing")))
                .hasMessage("password-file " + dir.resolve("missing") + ": does not exist");
    }

    @Test
    void anOpenPasswordFileMakesTheMonitorUnknownAndIsNeverRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-secret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        var h = new MariadbHealthCheck().check(Map.of("password-file", f.toString(), "port", "1"),
                Duration.ofSeconds(2));
        assertThat(h.health()).isEqualTo(Health.UNKNOWN);
        assertThat(h.reason()).contains("refused (chmod 600").doesNotContain("hunter2");
    }
}
