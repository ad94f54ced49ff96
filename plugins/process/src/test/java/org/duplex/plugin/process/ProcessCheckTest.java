package org.duplex.plugin.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes started by the test: copies of {@code sleep} under names no other process has, counted by name,
 * command line, pid file and cgroup, then killed.
 */
class ProcessCheckTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final ProcessCheck check = new ProcessCheck();
    private final List<Process> started = new ArrayList<>();
    private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(100000, 999999));

    @TempDir
    Path dir;

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A copy of sleep called {@code name}, so that only this test's processes carry that name. */
    private Path sleeper(String name) throws IOException {
        Path bin = dir.resolve(name);
        if (!Files.exists(bin)) {
            Files.copy(Path.of(which("sleep")), bin, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return bin;
    }

    private Process start(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue(); // reaped: gone from /proc, not a zombie
    }

    @Test
    void countsProcessesByNameAgainstMinimumAndMaximum() throws Exception {
        String name = "dxs" + tag;
        Path bin = sleeper(name);
        Process a = start(bin.toString(), "3600");
        start(bin.toString(), "3600");
        Map<String, String> params = Map.of("match.1", "name:" + name, "min.1", "2");
        HealthStatus two = check.check(params, T);
        assertThat(two.health()).as(two.reason()).isEqualTo(Health.HEALTHY);
        assertThat(two.reason()).isEqualTo(name + ": 2 running");

        HealthStatus tooMany = check.check(Map.of("match.1", "name:" + name, "max.1", "1"), T);
        assertThat(tooMany.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(tooMany.reason()).isEqualTo(name + ": 2 running, at most 1");

        kill(a);
        HealthStatus one = check.check(params, T);
        assertThat(one.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(one.reason()).isEqualTo(name + ": 1 running, need 2");
        assertThat(one.elapsed()).isLessThan(T);
    }

    @Test
    void aNameLongerThanTheKernelKeepsIsMatchedWhole() throws Exception {
        String name = "duplex-long-sleeper-" + tag;
        start(sleeper(name).toString(), "3600");
        start(sleeper("duplex-long-sleeper-other").toString(), "3600"); // same first 15 characters
        HealthStatus s = check.check(Map.of("match", "name:" + name, "max", "1"), T);
        assertThat(s.health()).as(s.reason()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).isEqualTo(name + ": 1 running");
    }

    @Test
    void oneResourceWatchingSeveralSelectionsNamesTheOneThatFellShort() throws Exception {
        String worker = "dxw" + tag;
        start(sleeper(worker).toString(), "3600");
        Process daemon = start("sleep", "3601." + tag);
        Path pidFile = Files.writeString(dir.resolve("app.pid"), daemon.pid() + "\n");
        Map<String, String> params = Map.of("match.1", "name:" + worker, "match.2", "pidfile:" + pidFile,
                "match.3", "cmdline:^sleep 3601\\." + tag + "$", "label.3", "daemon");
        HealthStatus ok = check.check(params, T);
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).isEqualTo(worker + ": 1 running; pidfile " + pidFile + ": 1 running (pid "
                + daemon.pid() + "); daemon: 1 running");

        kill(daemon);
        HealthStatus s = check.check(params, T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("pidfile " + pidFile + ": 0 running, need 1 (pid " + daemon.pid()
                + " is not running); daemon: 0 running, need 1");
    }

    @Test
    void pidFilesThatAreMissingOrNotAPid() throws Exception {
        Path missing = dir.resolve("none.pid");
        assertThat(check.check(Map.of("match", "pidfile:" + missing), T).reason())
                .isEqualTo("pidfile " + missing + ": 0 running, need 1 (no such file)");
        Path garbage = Files.writeString(dir.resolve("bad.pid"), "started\n");
        assertThat(check.check(Map.of("match", "pidfile:" + garbage), T).reason())
                .isEqualTo("pidfile " + garbage + ": 0 running, need 1 ('started' is not a pid)");
        assertThat(check.check(Map.of("match", "pidfile:" + missing, "min", "0"), T).health())
                .isEqualTo(Health.HEALTHY);
    }

    @Test
    void zombiesDoNotCount() throws Exception {
        String name = "dxz" + tag;
        Path bin = sleeper(name);
        // the child exits at once, and its parent (exec'd into sleep) never reaps it
        Process parent = start("sh", "-c", bin + " 0 & exec sleep 3602");
        await().atMost(Duration.ofSeconds(10)).until(() -> parent.descendants()
                .anyMatch(h -> state(h.pid()).equals("Z")));
        HealthStatus s = check.check(Map.of("match", "name:" + name), T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo(name + ": 0 running, need 1");
    }

    @Test
    void theCheckingJvmIsNotCounted() throws Exception {
        long self = ProcessHandle.current().pid();
        String me = ProcessHandle.current().info().commandLine().orElseThrow();
        assertThat(me).isNotEmpty();
        HealthStatus s = check.check(Map.of("match", "cmdline:^" + java.util.regex.Pattern.quote(me) + "$",
                "min", "0", "max", "0"), T);
        assertThat(s.health()).as(s.reason()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).endsWith(": 0 running");
        // our own pid in a pid file is a running process, though: only name and cmdline skip it
        Path pidFile = Files.writeString(dir.resolve("self.pid"), Long.toString(self));
        assertThat(check.check(Map.of("match", "pidfile:" + pidFile), T).health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aRealCgroupAndTheCgroupsBelowIt() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: creating a cgroup needs root (run as root, as CI does)");
        Optional<Path> mount = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                .filter(f -> f.length > 2 && f[2].equals("cgroup2")).map(f -> Path.of(f[1])).findFirst();
        assumeTrue(mount.isPresent(), "SKIPPED LOUDLY: no cgroup v2 filesystem is mounted here");
        Path group = mount.get().resolve("duplex-test-" + tag);
        Path sub = group.resolve("worker");
        Files.createDirectories(sub);
        try {
            Process a = start("sleep", "3603");
            Process b = start("sleep", "3603");
            Files.writeString(sub.resolve("cgroup.procs"), Long.toString(a.pid()));
            Files.writeString(sub.resolve("cgroup.procs"), Long.toString(b.pid()));
            Map<String, String> relative = Map.of("match", "cgroup:duplex-test-" + tag, "min", "2");
            HealthStatus s = check.check(relative, T);
            assertThat(s.health()).as(s.reason()).isEqualTo(Health.HEALTHY);
            assertThat(s.reason()).isEqualTo("cgroup duplex-test-" + tag + ": 2 running");
            assertThat(check.check(Map.of("match", "cgroup:" + sub, "max", "2"), T).health())
                    .isEqualTo(Health.HEALTHY);

            kill(a);
            HealthStatus one = check.check(relative, T);
            assertThat(one.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(one.reason()).isEqualTo("cgroup duplex-test-" + tag + ": 1 running, need 2");
            kill(b);
        } finally {
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                Files.deleteIfExists(sub);
                Files.deleteIfExists(group);
                return true;
            });
        }
        HealthStatus gone = check.check(Map.of("match", "cgroup:duplex-test-" + tag), T);
        assertThat(gone.reason()).isEqualTo("cgroup duplex-test-" + tag + ": 0 running, need 1 (no such cgroup)");
    }

    @Test
    void aRelativeCgroupWithoutACgroup2MountCannotBeTold() throws Exception {
        Path mounts = Files.writeString(dir.resolve("mounts"), "/dev/vda / ext4 rw 0 0\n");
        HealthStatus s = new ProcessCheck(Path.of("/proc"), mounts).check(Map.of("match", "cgroup:system.slice"), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("no cgroup2 filesystem is mounted");
    }

    @Test
    void invalidParametersAreUnknownWithTheProblems() throws Exception {
        HealthStatus s = check.check(Map.of("match.1", "nginx"), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).isEqualTo("invalid parameters: match.1: 'nginx' does not start with name:, "
                + "cmdline:, pidfile: or cgroup: (for example name:nginx)");
    }

    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "";
        }
    }

    private static String which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new IllegalStateException(tool + " not found on PATH");
    }
}
