package org.duplex.monitor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class KeyValueArgsTest {

    @Test
    void parsesPairsKeepingEqualsSignsInValues() {
        assertThat(KeyValueArgs.parse(List.of("host=a", "query=x=1"))).containsEntry("host", "a")
                .containsEntry("query", "x=1");
        assertThat(KeyValueArgs.parse(null)).isEmpty();
    }

    @Test
    void namesTheBadArgument() {
        assertThatThrownBy(() -> KeyValueArgs.parse(List.of("host=a", "oops")))
                .hasMessage("argument 2 'oops' is not key=value (for example host=192.168.1.1)");
        assertThatThrownBy(() -> KeyValueArgs.parse(List.of("=x"))).hasMessageContaining("argument 1 '=x'");
        assertThatThrownBy(() -> KeyValueArgs.parse(List.of("a=1", "a=2")))
                .hasMessage("argument 2: 'a' is given twice");
    }
}
