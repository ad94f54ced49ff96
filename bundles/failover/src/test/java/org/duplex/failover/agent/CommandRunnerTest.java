package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void configuredPrefixIsSplitOnWhitespaceAndBlankMeansNone() {
        assertThat(CommandRunner.withPrefix("  sudo   -n ").prefix()).containsExactly("sudo", "-n");
        assertThat(CommandRunner.withPrefix("ip netns exec n1").prefix()).containsExactly("ip", "netns", "exec", "n1");
        assertThat(CommandRunner.withPrefix("   ").prefix()).isEmpty();
        assertThat(CommandRunner.withPrefix(null).prefix()).isEmpty();
    }

    @Test
    void aLaunchedCommandEndsAtItsLimitAndOneThatFinishesKeepsItsExitStatus() throws Exception {
        Process slow = CommandRunner.withPrefix(null).launch(List.of("sleep", "30"), Duration.ofMillis(300))
                .orElseThrow();
        // the bound is the command's own (coreutils' timeout), not a JVM-wide timer: generous wait, exact outcome
        assertThat(slow.waitFor(10, TimeUnit.SECONDS)).as("ended by its 300 ms limit").isTrue();
        assertThat(slow.exitValue()).as("timeout's status for a command it ended").isEqualTo(124);
        Process quick = CommandRunner.withPrefix(null).launch(List.of("true"), Duration.ofSeconds(5)).orElseThrow();
        assertThat(quick.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(quick.exitValue()).isZero();
    }
}
