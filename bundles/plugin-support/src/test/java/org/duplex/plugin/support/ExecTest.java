package org.duplex.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real commands through /bin/sh. */
class ExecTest {

    @Test
    void exitCodeOutputAndTheFirstLineOfStderr() throws Exception {
        Exec.Result r = Exec.run(List.of("/bin/sh", "-c", "echo out; echo; echo '  db: refused  ' >&2; exit 3"),
                Map.of(), Deadline.within(Duration.ofSeconds(10)));
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.killed()).isZero();
        assertThat(r.stdout()).isEqualTo("out\n\n");
        assertThat(r.firstLine()).isEqualTo("db: refused");
        assertThat(Exec.Result.firstLine("\n  \nsecond\n")).isEqualTo("second");
    }

    @Test
    void environmentIsAddedAndTheDirectoryIsRootUnlessGiven(@TempDir Path dir) throws Exception {
        Exec.Result r = Exec.run(List.of("/bin/sh", "-c", "echo \"$GREETING\"; pwd"), Map.of("GREETING", "hello"),
                Deadline.within(Duration.ofSeconds(10)));
        assertThat(r.stdout()).isEqualTo("hello\n/\n");
        Path script = dir.resolve("check");
        Files.writeString(script, "#!/bin/sh\npwd\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Exec.Result inDir = Exec.run(List.of("./check"), Map.of(), dir, Deadline.within(Duration.ofSeconds(10)));
        assertThat(inDir.stdout()).isEqualTo(dir.toRealPath() + "\n");
    }

    @Test
    void atTheDeadlineTheCommandAndEveryProcessItStartedAreKilled(@TempDir Path dir) throws Exception {
        // a background child holding stdout and a grandchild: neither may keep the run waiting or outlive it
        Path pids = dir.resolve("pids");
        Exec.Result r = Exec.run(List.of("/bin/sh", "-c", "sleep 300 & echo $! > " + pids
                        + "; /bin/sh -c 'echo $$ >> " + pids + "; sleep 300' & echo started; wait"),
                Map.of(), Deadline.within(Duration.ofMillis(1500)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exit()).isEqualTo(-1);
        assertThat(r.killed()).isGreaterThanOrEqualTo(3); // sh, sleep, the inner sh (and its sleep unless it exec()s)
        assertThat(r.stdout()).isEqualTo("started\n");
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
        List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(started).hasSize(2);
        // SIGKILL is delivered at once, but the kernel reaps asynchronously
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(started)
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void aProgramThatCannotStartIsAnIoException() {
        assertThatThrownBy(() -> Exec.run(List.of("/nonexistent/check"), Map.of(),
                Deadline.within(Duration.ofSeconds(5)))).isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/check");
    }
}
