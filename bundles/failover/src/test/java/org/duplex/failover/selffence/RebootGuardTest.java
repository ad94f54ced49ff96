package org.duplex.failover.selffence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reboot-loop guard's file: counted per window, survives a new instance, fails safe. */
class RebootGuardTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void allowsMaxPerWindowCountedInAFileANewInstanceReads() throws Exception {
        Path file = dir.resolve("duplex").resolve("self-reboots");
        RebootGuard g = new RebootGuard(file, 2, Duration.ofHours(1));
        assertThat(g.refusal(T0)).isEmpty();
        g.record(T0, "monitor ro: read-only");
        assertThat(Files.readAllLines(file)).containsExactly("2026-12-05T10:00:00Z monitor ro: read-only");
        g.record(T0.plusSeconds(600), "again");

        RebootGuard afterReboot = new RebootGuard(file, 2, Duration.ofHours(1));
        assertThat(afterReboot.recent(T0.plusSeconds(1200))).hasSize(2);
        assertThat(afterReboot.refusal(T0.plusSeconds(1200))).hasValueSatisfying(r -> assertThat(r)
                .startsWith("2 self-reboot(s) within 1 h already (at 2026-12-05T10:00:00Z, 2026-12-05T10:10:00Z")
                .endsWith("the next is allowed after 2026-12-05T11:00:00Z"));
        assertThat(afterReboot.refusal(T0.plusSeconds(3601))).as("the first aged out").isEmpty();
        afterReboot.record(T0.plusSeconds(3601), "third");
        assertThat(afterReboot.recent(T0.plusSeconds(3601))).hasSize(2);
        assertThat(Files.readAllLines(file)).as("older lines kept for the operator").hasSize(3);
        assertThat(Files.exists(file.resolveSibling("self-reboots.tmp"))).isFalse();
    }

    @Test
    void zeroDisablesAndAnUnreadableFileRefuses() throws Exception {
        assertThat(new RebootGuard(dir.resolve("a"), 0, Duration.ofHours(1)).refusal(T0))
                .hasValue("self-reboots are disabled on this node (reboot.max = 0)");
        Path bad = dir.resolve("bad");
        Files.write(bad, List.of("yesterday rebooted"));
        assertThat(new RebootGuard(bad, 2, Duration.ofHours(1)).refusal(T0)).hasValueSatisfying(r ->
                assertThat(r).contains("cannot be read").contains("'yesterday' is not an instant"));
        assertThatThrownBy(() -> new RebootGuard(bad, -1, Duration.ofHours(1))).hasMessageContaining("reboot.max");
        assertThatThrownBy(() -> new RebootGuard(bad, 1, Duration.ZERO)).hasMessageContaining("reboot.window");
    }

    @Test
    void theExecActionRunsWithoutAShellAndReportsTheExit() throws Exception {
        RebootAction.Outcome ok = new ExecRebootAction("/bin/echo going down", Duration.ofSeconds(5))
                .reboot("test");
        assertThat(ok.ok()).isTrue();
        assertThat(ok.detail()).startsWith("/bin/echo going down -> exit 0 in ").endsWith(": going down");
        RebootAction.Outcome fails = new ExecRebootAction("/bin/false", Duration.ofSeconds(5)).reboot("test");
        assertThat(fails.ok()).isFalse();
        assertThat(fails.detail()).startsWith("/bin/false -> exit 1");
        RebootAction.Outcome missing = new ExecRebootAction("/nonexistent/reboot now", Duration.ofSeconds(5))
                .reboot("test");
        assertThat(missing.ok()).isFalse();
        assertThat(missing.detail()).startsWith("/nonexistent/reboot now could not run");
        RebootAction.Outcome hung = new ExecRebootAction("/bin/sleep 30", Duration.ofMillis(200)).reboot("test");
        assertThat(hung.ok()).isFalse();
        assertThat(hung.detail()).contains("killed after 200 ms");
        assertThatThrownBy(() -> new ExecRebootAction("  ", Duration.ofSeconds(1))).hasMessageContaining("empty");
    }
}
