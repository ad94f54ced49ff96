package org.duplex.failover.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJournalTest {

    @TempDir
    Path dir;

    private static History.Entry entry(long ms, String node, String text) {
        return new History.Entry(Instant.ofEpochMilli(ms), NodeId.of(node), Optional.of(ResourceId.of("web")),
                Optional.of(ResourceId.of("vip")), History.Kind.FAILURE, text);
    }

    @Test
    void aRestartedNodeShowsTheTimelineItHadWithTextsIntact() {
        Path file = dir.resolve("duplex/history.log");
        History before = new History(100, Optional.of(new HistoryJournal(file, 400)));
        before.add(entry(1_000, "node1", "monitor failed: exit 7\ttab and\nnewline and \\ backslash"));
        before.add(new History.Entry(Instant.ofEpochMilli(2_000), NodeId.of("node2"), Optional.empty(),
                Optional.empty(), History.Kind.DECISION, "web moved to node2: node1 is dead"));

        History after = new History(100, Optional.of(new HistoryJournal(file, 400)));

        assertThat(after.timeline(Optional.empty())).containsExactlyElementsOf(before.timeline(Optional.empty()));
        assertThat(after.timeline(Optional.of(ResourceId.of("web")))).hasSize(1);
    }

    @Test
    void theFileStaysBoundedAndKeepsTheNewestEntries() throws Exception {
        Path file = dir.resolve("history.log");
        History h = new History(1000, Optional.of(new HistoryJournal(file, 10)));
        for (int i = 0; i < 55; i++) {
            h.add(entry(i, "node1", "failure " + i));
        }
        assertThat(Files.readAllLines(file)).hasSizeLessThan(20);
        List<History.Entry> restored = new History(1000, Optional.of(new HistoryJournal(file, 10)))
                .timeline(Optional.empty());
        assertThat(restored).hasSize(10);
        assertThat(restored.get(9).text()).isEqualTo("failure 54");
        assertThat(restored.get(0).text()).isEqualTo("failure 45");
    }

    @Test
    void aTornOrForeignLineIsSkippedAndTheRestKept() throws Exception {
        Path file = dir.resolve("history.log");
        History h = new History(100, Optional.of(new HistoryJournal(file, 100)));
        h.add(entry(1, "node1", "first"));
        Files.writeString(file, "1700000000000\tnode1\tweb\tvi", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(file, "\nnot\ta\thistory\tline\tKIND\tx\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        h.add(entry(3, "node1", "third"));

        HistoryJournal.Loaded loaded = new HistoryJournal(file, 100).load();
        assertThat(loaded.entries()).extracting(History.Entry::text).containsExactly("first", "third");
        assertThat(loaded.damagedLines()).isEqualTo(2);
    }

    @Test
    void anUnwritableFileNeverBreaksTheInMemoryHistory() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "x");
        History h = new History(100, Optional.of(new HistoryJournal(blocker.resolve("history.log"), 100)));
        h.add(entry(1, "node1", "still recorded"));
        assertThat(h.timeline(Optional.empty())).extracting(History.Entry::text).containsExactly("still recorded");
    }
}
