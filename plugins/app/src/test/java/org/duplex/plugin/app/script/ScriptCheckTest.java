package org.duplex.plugin.app.script;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real scripts in a temporary directory, run by /bin/sh. */
class ScriptCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ScriptCheck check = new ScriptCheck();

    /** Every script is written before any runs: a file still open for writing cannot be executed. */
    @BeforeEach
    void scripts() throws Exception {
        script("exit.sh", "echo \"exiting $OCF_RESKEY_code\"\nexit \"$OCF_RESKEY_code\"");
        script("env.sh", "echo \"args=$* ip=$OCF_RESKEY_ip max=$OCF_RESKEY_max_conn t=$OCF_RESKEY_CRM_meta_timeout"
                + "\"");
        // starts a child that would run for five minutes, notes its pid, and waits for it
        script("hang.sh", "sleep 300 &\necho $! > \"$OCF_RESKEY_pidfile\"\nwait");
        script("silent.sh", "exit 0");
        Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\nexit 0\n");
    }

    private void script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Map<String, String> run(String name, String... more) {
        Map<String, String> p = new HashMap<>(Map.of("script", dir.resolve(name).toString()));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    @ParameterizedTest
    @CsvSource({
        "0, HEALTHY, OCF_SUCCESS",
        "1, UNHEALTHY, OCF_ERR_GENERIC",
        "2, UNHEALTHY, OCF_ERR_ARGS",
        "3, UNHEALTHY, OCF_ERR_UNIMPLEMENTED",
        "4, UNHEALTHY, OCF_ERR_PERM",
        "5, UNHEALTHY, OCF_ERR_INSTALLED",
        "6, UNHEALTHY, OCF_ERR_CONFIGURED",
        "7, UNHEALTHY, OCF_NOT_RUNNING",
    })
    void ocfExitCodes(int code, Health health, String name) {
        HealthStatus s = check.check(run("exit.sh", "code", "" + code), TIMEOUT);
        assertThat(s.health()).isEqualTo(health);
        assertThat(s.reason()).startsWith(dir.resolve("exit.sh") + " monitor exited " + code + " (" + name + ") in ")
                .endsWith(": exiting " + code);
    }

    @ParameterizedTest
    @CsvSource({"8", "42", "255"})
    void otherExitCodesAreUnknown(int code) {
        HealthStatus s = check.check(run("exit.sh", "code", "" + code), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).contains(" exited " + code + ", not an OCF monitor code");
    }

    @Test
    void parametersBecomeOcfEnvironmentAndArgsTheCommandLine() {
        HealthStatus s = check.check(run("env.sh", "ip", "10.0.0.1", "max-conn", "5", "args", "status --deep"),
                Duration.ofMillis(4000));
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).startsWith(dir.resolve("env.sh") + " status --deep exited 0 (OCF_SUCCESS) in ")
                .endsWith(": args=status --deep ip=10.0.0.1 max=5 t=4000");
        assertThat(check.check(run("env.sh"), TIMEOUT).reason()).contains(": args=monitor ip=");
        assertThat(check.check(run("env.sh", "args", ""), TIMEOUT).reason()).contains(": args= ip=");
        assertThat(check.check(run("silent.sh"), TIMEOUT).reason()).matches(".* exited 0 \\(OCF_SUCCESS\\) in [0-9.]+ ms");
    }

    @Test
    void hangingScriptAndItsChildAreKilledAtTheTimeout() throws Exception {
        Path pidfile = dir.resolve("child.pid");
        Duration timeout = Duration.ofMillis(2000);
        long t0 = System.nanoTime();
        HealthStatus s = check.check(run("hang.sh", "pidfile", pidfile.toString()), timeout);
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).startsWith(dir.resolve("hang.sh") + " monitor did not finish within ")
                .contains("(killed, with 1 child process)");
        // killed at its timeout; the margins are for a loaded CI runner's scheduling only
        assertThat(s.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000));
        assertThat(wall).isLessThan(timeout.plusMillis(3000));

        long child = Long.parseLong(Files.readString(pidfile).trim());
        Optional<ProcessHandle> h = ProcessHandle.of(child);
        if (h.isPresent()) {
            h.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("sleep child " + child)
                .isNotEqualTo(Optional.of(true));
    }

    @Test
    void parametersAreValidatedByName() throws Exception {
        assertThat(check.validate(Map.of())).containsExactly(
                "script: required (the check script's absolute path, for example script=/opt/app/check.sh)");
        assertThat(check.validate(Map.of("script", "check.sh"))).containsExactly(
                "script: 'check.sh' is not an absolute path");
        Path missing = dir.resolve("missing.sh");
        assertThat(check.validate(Map.of("script", missing.toString()))).containsExactly(
                "script: " + missing + " does not exist on this node (or is not a file)");
        Path plain = dir.resolve("plain.sh");
        assertThat(check.validate(Map.of("script", plain.toString()))).containsExactly(
                "script: " + plain + " is not executable (chmod +x)");
        assertThat(check.validate(run("silent.sh", "9lives", "x"))).containsExactly(
                "9lives: not usable as the environment variable OCF_RESKEY_9lives (letters, digits, _ . -, not "
                        + "starting with a digit)");
        HealthStatus s = check.check(Map.of("script", missing.toString()), TIMEOUT);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("invalid parameters: script: ");
    }
}
