package org.duplex.api.cluster;

/**
 * A coordinator term's number. It strictly increases with every new coordinator term and is persisted, so an
 * order that carries an older epoch than the newest one a holder has seen comes from a stale coordinator and
 * must be refused.
 */
public record FencingEpoch(long value) implements Comparable<FencingEpoch> {

    public static final FencingEpoch NONE = new FencingEpoch(0);

    public FencingEpoch {
        if (value < 0) {
            throw new IllegalArgumentException("fencing epoch must not be negative, was " + value);
        }
    }

    public boolean isOlderThan(FencingEpoch other) {
        return value < other.value;
    }

    @Override
    public int compareTo(FencingEpoch other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "epoch " + value;
    }
}
