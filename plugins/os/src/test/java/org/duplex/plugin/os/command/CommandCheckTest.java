package org.duplex.plugin.os.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandCheckTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final CommandCheck check = new CommandCheck();

    @TempDir
    Path dir;

    @Test
    void exitZeroIsHealthyAndNonZeroUnhealthyWithStderrsFirstLine() throws Exception {
        HealthStatus ok = check.check(Map.of("command", "echo all fine"), T);
        assertThat(ok.health()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).isEqualTo("command echo exit 0: all fine");

        Path script = script("check.sh", "echo 'some progress'\necho '' >&2\necho 'db: connection refused' >&2\n"
                + "echo 'more detail' >&2\nexit 3\n");
        HealthStatus bad = check.check(Map.of("command", script.toString()), T);
        assertThat(bad.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(bad.reason()).isEqualTo("command " + script + " exit 3: db: connection refused");

        HealthStatus quiet = check.check(Map.of("command", "false"), T);
        assertThat(quiet.reason()).isEqualTo("command false exit 1");
    }

    @Test
    void noShellUnlessAsked() throws Exception {
        HealthStatus literal = check.check(Map.of("command", "echo $HOME;exit", "arg.2", "b  c", "arg.1", "a"), T);
        assertThat(literal.reason()).isEqualTo("command echo exit 0: $HOME;exit a b  c");

        HealthStatus shell = check.check(Map.of("command", "test \"$1\" = 'x y' && echo yes || exit 4",
                "shell", "true", "arg.1", "x y"), T);
        assertThat(shell.health()).as(shell.reason()).isEqualTo(Health.HEALTHY);
        assertThat(shell.reason()).isEqualTo("command 'test \"$1\" = 'x y' && echo yes || exit 4' exit 0: yes");
    }

    @Test
    void aHungCommandIsKilledWithEveryChildAtTheTimeoutAndFails() throws Exception {
        Path pids = dir.resolve("pids");
        Path script = script("hang.sh", "sleep 3601 &\necho $! > " + pids + "\nsh -c 'sleep 3602' &\nwait\n");
        Duration timeout = Duration.ofSeconds(2);
        long t0 = System.nanoTime();
        // the grandchild pid is known only once the script wrote it: watch for it while the check runs
        var watcher = new java.util.concurrent.CompletableFuture<List<ProcessHandle>>();
        Thread t = new Thread(() -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pids) && Files.size(pids) > 0);
            try {
                ProcessHandle sleeper = ProcessHandle.of(Long.parseLong(Files.readString(pids).trim())).orElseThrow();
                watcher.complete(List.of(sleeper));
            } catch (Exception e) {
                watcher.completeExceptionally(e);
            }
        });
        t.start();
        HealthStatus s = check.check(Map.of("command", script.toString()), timeout);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isLessThan(timeout);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("command " + script + " did not finish within 1800 ms (killed, 4 processes)");
        for (ProcessHandle h : watcher.get()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !h.isAlive());
        }
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine()).flatMap(Optional::stream)
                .filter(c -> c.contains("sleep 360"))).isEmpty();
    }

    @Test
    void nagiosExitCodes() throws Exception {
        Map<Integer, Health> expected = Map.of(0, Health.HEALTHY, 1, Health.DEGRADED, 2, Health.UNHEALTHY,
                3, Health.UNKNOWN, 7, Health.UNKNOWN);
        for (var e : expected.entrySet()) {
            HealthStatus s = check.check(Map.of("command", "exit " + e.getKey(), "shell", "yes",
                    "exit-codes", "nagios"), T);
            assertThat(s.health()).as("exit " + e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aCommandThatCannotStartSaysNothingAboutTheService() throws Exception {
        HealthStatus s = check.check(Map.of("command", dir.resolve("missing").toString()), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("cannot run command " + dir.resolve("missing") + ": ");
    }

    @Test
    void badParametersAreNamed() throws Exception {
        assertThat(check.validate(Map.of("arg.0", "x", "arg.b", "y", "shell", "maybe", "exit-codes", "posix",
                "timeout-ms", "3"))).containsExactly(
                "timeout-ms: unknown parameter (command takes arg.0, arg.b, command, exit-codes, shell)",
                "command: required (the program and its arguments, for example command=/usr/local/bin/check-app "
                        + "--quick)",
                "shell: 'maybe' is not true or false",
                "exit-codes: 'posix' is not plain (0 healthy, other unhealthy) or nagios (0 ok, 1 degraded, "
                        + "2 unhealthy, 3 unknown)",
                "arg.0: '0' is not a positive number (arguments are arg.1, arg.2, ...)",
                "arg.b: 'b' is not a positive number (arguments are arg.1, arg.2, ...)");
        assertThat(check.check(Map.of(), T).health()).isEqualTo(Health.UNKNOWN);
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        p.toFile().setExecutable(true);
        return p;
    }
}
