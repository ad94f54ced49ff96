package org.duplex.failover.history;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.duplex.api.model.NodeId;
import org.duplex.api.model.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure and decision history per node, as a timeline with reasons ({@code ha:history}). Bounded: each node
 * keeps its newest {@code perNode} entries, older ones are dropped. Persisted across restarts when given a
 * {@link HistoryJournal}. Thread-safe.
 */
public final class History {

    public enum Kind { FAILURE, ACTION, ESCALATION, REFUSED, DECISION, CLEANUP, FENCE }

    /**
     * @param at       when
     * @param node     the node concerned
     * @param group    the group, when known
     * @param resource the resource, when known
     * @param kind     what kind of event
     * @param text     what happened and why
     */
    public record Entry(Instant at, NodeId node, Optional<ResourceId> group, Optional<ResourceId> resource,
                        Kind kind, String text) {

        public Entry {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
        }

        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

        public String render() {
            return TIME.format(at) + "  " + String.format("%-10s %-10s %-12s ", node, kind.name().toLowerCase(),
                    group.map(Object::toString).orElse("-") + resource.map(r -> "/" + r).orElse("")) + text;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private final int perNode;
    private final Map<NodeId, Deque<Entry>> byNode = new TreeMap<>();
    private final Optional<HistoryJournal> journal;
    private boolean journalFailing;

    /** In memory only. */
    public History(int perNode) {
        this(perNode, Optional.empty());
    }

    /** Kept in {@code journal} too, and starts with what it holds (a restart keeps the timeline). */
    public History(int perNode, Optional<HistoryJournal> journal) {
        if (perNode <= 0) {
            throw new IllegalArgumentException("history size must be positive, was " + perNode);
        }
        this.perNode = perNode;
        this.journal = journal;
        journal.ifPresent(this::restore);
    }

    private void restore(HistoryJournal j) {
        try {
            HistoryJournal.Loaded loaded = j.load();
            loaded.entries().forEach(this::remember);
            if (loaded.damagedLines() > 0) {
                LOG.warn("history file {}: {} damaged line(s) skipped (a write cut short by a crash?); the other {} "
                        + "entries are kept", j.file(), loaded.damagedLines(), loaded.entries().size());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("history file {} could not be read ({}): ha:history starts empty; check the file and its "
                    + "permissions", j.file(), e.toString());
        }
    }

    public synchronized void add(Entry e) {
        remember(e);
        journal.ifPresent(j -> {
            try {
                j.append(e);
                if (journalFailing) {
                    journalFailing = false;
                    LOG.info("history file {} is written again", j.file());
                }
            } catch (IOException | RuntimeException ex) {
                if (!journalFailing) {
                    journalFailing = true; // once per outage, not per entry
                    LOG.warn("history file {} cannot be written ({}): ha:history keeps working in memory, but "
                            + "entries from now on are lost at the next restart; check free space and permissions",
                            j.file(), ex.toString());
                }
            }
        });
    }

    private synchronized void remember(Entry e) {
        Deque<Entry> q = byNode.computeIfAbsent(e.node(), k -> new ArrayDeque<>());
        q.addLast(e);
        while (q.size() > perNode) {
            q.removeFirst();
        }
    }

    /** All entries, oldest first, optionally only those of one group (or of a resource of it). */
    public synchronized List<Entry> timeline(Optional<ResourceId> group) {
        List<Entry> out = new ArrayList<>();
        byNode.values().forEach(q -> q.stream().filter(e -> group.isEmpty() || group.equals(e.group())
                || group.equals(e.resource())).forEach(out::add));
        out.sort(Comparator.comparing(Entry::at));
        return out;
    }

    public synchronized List<Entry> failures(NodeId node, ResourceId resource) {
        return byNode.getOrDefault(node, new ArrayDeque<>()).stream()
                .filter(e -> e.kind() == Kind.FAILURE && e.resource().filter(resource::equals).isPresent())
                .toList();
    }

    public int capacityPerNode() {
        return perNode;
    }
}
