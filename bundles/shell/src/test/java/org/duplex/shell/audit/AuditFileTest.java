package org.duplex.shell.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {

    @TempDir
    Path dir;

    private static AuditEntry entry(int i, String args) {
        return new AuditEntry(Instant.parse("2026-12-06T01:00:00Z").plusSeconds(i), "alice", "10.0.0.1", "rest",
                "switchover", args, i % 2 == 0, "result " + i);
    }

    @Test
    void entriesSurviveARestartWithAwkwardCharacters() {
        Path f = dir.resolve("duplex/audit.log");
        AuditFile a = new AuditFile(f, 10);
        a.record(entry(1, "group=web\tnode=n2\nsecond line \\ backslash"));
        a.record(entry(2, ""));
        List<AuditEntry> reread = new AuditFile(f, 10).last(10);
        assertThat(reread).containsExactly(entry(1, "group=web\tnode=n2\nsecond line \\ backslash"), entry(2, ""));
    }

    @Test
    void theFileStaysBoundedAndKeepsTheLatest() throws Exception {
        Path f = dir.resolve("audit.log");
        AuditFile a = new AuditFile(f, 5);
        for (int i = 0; i < 23; i++) {
            a.record(entry(i, "n=" + i));
        }
        assertThat(Files.readAllLines(f, StandardCharsets.UTF_8).size()).isLessThanOrEqualTo(10);
        assertThat(a.last(100)).extracting(AuditEntry::arguments).containsExactly("n=18", "n=19", "n=20", "n=21",
                "n=22");
        assertThat(new AuditFile(f, 5).last(3)).extracting(AuditEntry::arguments)
                .containsExactly("n=20", "n=21", "n=22");
    }

    @Test
    void aTornLastLineIsSkipped() throws Exception {
        Path f = dir.resolve("audit.log");
        new AuditFile(f, 5).record(entry(1, "a"));
        Files.writeString(f, "2026-12-06T01:00:00Z\talice\tx", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(new AuditFile(f, 5).last(5)).containsExactly(entry(1, "a"));
    }
}
