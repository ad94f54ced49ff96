package org.duplex.plugin.process.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProcEntryTest {

    @Test
    void parsesStatWithAnAwkwardName() {
        assertThat(ProcEntry.parseStat("1234 (nginx) S 1 1234 1234 0 -1 4194560 ...")).contains(
                new ProcEntry(1234, "nginx", 'S'));
        assertThat(ProcEntry.parseStat("77 (a) b (c)) Z 1 0 0")).contains(new ProcEntry(77, "a) b (c)", 'Z'));
        assertThat(ProcEntry.parseStat("77 (a) b (c)) Z 1 0 0").orElseThrow().running()).isFalse();
        assertThat(ProcEntry.parseStat("garbage")).isEmpty();
        assertThat(ProcEntry.parseStat("12 (x)")).isEmpty();
    }

    @Test
    void splitsTheCommandLineAtNulBytes() {
        byte[] raw = "java\0-jar\0my app.jar\0".getBytes(StandardCharsets.UTF_8);
        assertThat(ProcEntry.parseCmdline(raw)).containsExactly("java", "-jar", "my app.jar");
        assertThat(ProcEntry.parseCmdline("nginx: worker process".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("nginx: worker process"); // a process that rewrote its argv
        assertThat(ProcEntry.parseCmdline(new byte[0])).isEmpty();
    }
}
