package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The distribution as an operator meets it: unpack the tar.gz, bin/start, then bin/client from a script with no
 * terminal (stdin from /dev/null, as in CI and cron), logging in with the password the first start generated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnpackedNodeIT {

    private Path home;
    private int sshPort;
    private String firstStartOutput;

    @BeforeAll
    void unpackAndStart() throws Exception {
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "unpacked");
        deleteTree(work);
        Files.createDirectories(work);
        run(work, Duration.ofMinutes(2), "tar", "xzf", DuplexContainer.required("duplex.assembly"));
        try (var dirs = Files.list(work)) {
            home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        sshPort = DuplexContainer.freePort();
        setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(sshPort));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(DuplexContainer.freePort()));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(DuplexContainer.freePort()));
        firstStartOutput = run(home, Duration.ofMinutes(1), "bin/start").output;
    }

    @AfterAll
    void stop() throws Exception {
        if (home != null) {
            run(home, Duration.ofMinutes(1), "bin/stop");
            // bin/status exits 0 while the node runs
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> run(home, Duration.ofSeconds(30), "bin/status").exitCode != 0);
        }
    }

    @Test
    void firstStartCreatesAnAdminWithAGeneratedPasswordInAPrivateFile() throws Exception {
        Path users = home.resolve("etc/users.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
        Properties p = new Properties();
        try (var in = Files.newInputStream(users)) {
            p.load(in);
        }
        String password = p.getProperty("admin").split(",")[0];
        assertThat(password).hasSize(20).matches("[A-Za-z0-9]+");
        assertThat(firstStartOutput).contains("created console user 'admin'").contains(password);
    }

    @Test
    void binClientRunsACommandWithoutATerminal() {
        // The node needs a few seconds to open its SSH port: retry the real command until it answers.
        Result[] last = new Result[1];
        await("bin/client ha:version answers").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    last[0] = run(home, Duration.ofSeconds(60), "bin/client", "ha:version");
                    return last[0].exitCode == 0;
                });
        assertThat(last[0].output).contains("Duplex " + DuplexContainer.required("duplex.version"))
                .doesNotContain("Closed");
    }

    @Test
    void explicitCredentialsWorkAndWrongOnesAreRefused() throws Exception {
        binClientRunsACommandWithoutATerminal();
        Properties p = new Properties();
        try (var in = Files.newInputStream(home.resolve("etc/users.properties"))) {
            p.load(in);
        }
        String password = p.getProperty("admin").split(",")[0];
        Result ok = run(home, Duration.ofSeconds(60), "bin/client", "-u", "admin", "-p", password, "-a",
                String.valueOf(sshPort), "ha:version");
        assertThat(ok.exitCode).isZero();
        assertThat(ok.output).contains("Duplex ");
        Result bad = run(home, Duration.ofSeconds(60), "bin/client", "-r", "1", "-u", "admin", "-p", "wrong-password",
                "ha:version");
        assertThat(bad.exitCode).isNotZero();
        assertThat(bad.output).doesNotContain("Duplex 0");
    }

    @Test
    void sshConsoleListensOnLoopbackOnly() throws Exception {
        binClientRunsACommandWithoutATerminal();
        String hexPort = String.format(Locale.ROOT, ":%04X", sshPort);
        List<String> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Paths.get(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] cols = line.trim().split("\\s+");
                // state 0A = LISTEN
                if (cols.length > 3 && cols[1].endsWith(hexPort) && cols[3].equals("0A")) {
                    listeners.add(cols[1]);
                }
            }
        }
        assertThat(listeners).as("listening sockets on the SSH port").isNotEmpty()
                .allMatch(a -> a.startsWith("0100007F:") || a.startsWith("0000000000000000FFFF00000100007F:")
                        || a.startsWith("00000000000000000000000001000000:"), "a loopback address");
    }

    private void setProperty(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = new ArrayList<>();
        boolean found = false;
        for (String line : Files.readAllLines(path)) {
            if (line.matches("\\s*" + key + "\\s*=.*")) {
                lines.add(key + " = " + value);
                found = true;
            } else {
                lines.add(line);
            }
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Files.write(path, lines);
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, Duration timeout, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path log = Files.createTempFile("duplex-it", ".out");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
