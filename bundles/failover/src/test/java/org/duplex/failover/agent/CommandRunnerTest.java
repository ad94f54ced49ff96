package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void configuredPrefixIsSplitOnWhitespaceAndBlankMeansNone() {
        assertThat(CommandRunner.withPrefix("  sudo   -n ").prefix()).containsExactly("sudo", "-n");
        assertThat(CommandRunner.withPrefix("ip netns exec n1").prefix()).containsExactly("ip", "netns", "exec", "n1");
        assertThat(CommandRunner.withPrefix("   ").prefix()).isEmpty();
        assertThat(CommandRunner.withPrefix(null).prefix()).isEmpty();
    }
}
