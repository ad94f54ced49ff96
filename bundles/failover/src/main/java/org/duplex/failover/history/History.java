package org.duplex.failover.history;

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

/**
 * Failure and decision history per node, as a timeline with reasons ({@code ha:history}). Bounded: each node
 * keeps its newest {@code perNode} entries, older ones are dropped. Thread-safe.
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

    private final int perNode;
    private final Map<NodeId, Deque<Entry>> byNode = new TreeMap<>();

    public History(int perNode) {
        if (perNode <= 0) {
            throw new IllegalArgumentException("history size must be positive, was " + perNode);
        }
        this.perNode = perNode;
    }

    public synchronized void add(Entry e) {
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
