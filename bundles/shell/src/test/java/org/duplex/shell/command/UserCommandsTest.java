package org.duplex.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Options typed after the user name (Karaf parses options only before the arguments). */
class UserCommandsTest {

    @Test
    void optionsAfterTheNameAreReadAndAnythingElseIsRefusedByName() {
        assertThat(UserCommands.trailing(List.of("--role", "viewer", "--password-file", "/tmp/p"),
                Set.of("--role", "-r", "--password-file"))).isEqualTo(Map.of("--role", "viewer",
                "--password-file", "/tmp/p"));
        assertThat(UserCommands.trailing(null, Set.of("--role"))).isEmpty();
        assertThatThrownBy(() -> UserCommands.trailing(List.of("--role"), Set.of("--role")))
                .hasMessageContaining("--role needs a value");
        assertThatThrownBy(() -> UserCommands.trailing(List.of("--password", "x"), Set.of("--role")))
                .hasMessageContaining("unexpected argument '--password'");
    }
}
