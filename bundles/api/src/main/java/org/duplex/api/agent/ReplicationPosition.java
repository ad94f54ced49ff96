package org.duplex.api.agent;

import java.util.Comparator;
import java.util.Objects;

/**
 * How far a copy of a promotable resource has got: comparable between copies of the same resource.
 *
 * <p>{@code generation} is the history the copy is on (PostgreSQL's timeline, a mirror's generation): it grows at
 * each promotion, so a copy on an older generation is behind whatever its offset, and the distance between two
 * positions is known only within one generation. {@code offset} is the place in that history (the WAL location
 * in bytes, a GTID sequence number, bytes written to a mirror).
 *
 * @param generation the history, growing with each promotion
 * @param offset     the place in it, growing with each write
 * @param unit       what one unit of offset is ("bytes of WAL", "transactions"), for the operator
 * @param text       the position as the software writes it ("0/3000148 on timeline 2")
 */
public record ReplicationPosition(long generation, long offset, String unit, String text)
        implements Comparable<ReplicationPosition> {

    private static final Comparator<ReplicationPosition> ORDER = Comparator
            .comparingLong(ReplicationPosition::generation).thenComparingLong(ReplicationPosition::offset);

    public ReplicationPosition {
        if (generation < 0 || offset < 0) {
            throw new IllegalArgumentException("generation and offset must not be negative: " + generation + ", "
                    + offset);
        }
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public int compareTo(ReplicationPosition o) {
        return ORDER.compare(this, o);
    }

    /**
     * How far this position is behind {@code ahead}: 0 when it is not behind, the offset difference within one
     * generation, and {@link Long#MAX_VALUE} (unknown, so as far as can be) when {@code ahead} is on a later
     * generation.
     */
    public long behind(ReplicationPosition ahead) {
        if (compareTo(ahead) >= 0) {
            return 0;
        }
        return generation == ahead.generation ? ahead.offset - offset : Long.MAX_VALUE;
    }
}
