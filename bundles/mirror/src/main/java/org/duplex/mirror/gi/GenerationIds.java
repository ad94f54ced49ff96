package org.duplex.mirror.gi;

import java.security.SecureRandom;

/**
 * DRBD-style generation identifiers of one leg.
 *
 * @param current  names the data generation this leg holds
 * @param bitmap   the generation the dirty bitmap is relative to (0 when not tracking changes for a peer)
 * @param history1 the previous bitmap generation
 * @param history2 the one before
 */
public record GenerationIds(long current, long bitmap, long history1, long history2) {

    /** A new volume whose content is not yet defined (needs a full initial sync). */
    public static final long JUST_CREATED = 4;

    private static final SecureRandom RANDOM = new SecureRandom();

    public static GenerationIds fresh() {
        return new GenerationIds(JUST_CREATED, 0, 0, 0);
    }

    /** A new volume declared identical on both legs (skip the initial sync): both sides derive the same id. */
    public static GenerationIds createdInSync(String volumeName) {
        long h = 0x9E3779B97F4A7C15L;
        for (char c : volumeName.toCharArray()) {
            h = (h ^ c) * 0x100000001B3L;
        }
        return new GenerationIds((h & ~0xFFL) | 0x10, 0, 0, 0);
    }

    public static long newId() {
        long v;
        do {
            v = RANDOM.nextLong() & ~0xFL;
        } while (v == 0);
        return v;
    }

    public boolean justCreated() {
        return current == JUST_CREATED;
    }

    /** A primary that starts writing without its peer: remember where the bitmap starts, then move on. */
    public GenerationIds startTrackingChanges() {
        return startTrackingChanges(newId());
    }

    /** As {@link #startTrackingChanges()}, with the new generation's id given (a simulation's seeded ids). */
    public GenerationIds startTrackingChanges(long newCurrent) {
        if (bitmap != 0) {
            return this;
        }
        return new GenerationIds(newCurrent, current, history1, history2);
    }

    /** The sync source after a successful resync: the bitmap generation becomes history. */
    public GenerationIds afterResyncAsSource() {
        if (bitmap == 0) {
            return this;
        }
        return new GenerationIds(current, 0, bitmap, history1);
    }

    /** The sync target after a successful resync: it now holds the source's generation. */
    public GenerationIds afterResyncAsTarget(long sourceCurrent) {
        if (current == sourceCurrent) {
            return new GenerationIds(current, 0, history1, history2);
        }
        return new GenerationIds(sourceCurrent, 0, current, history1);
    }

    boolean inHistory(long id) {
        return id != 0 && (id == history1 || id == history2);
    }

    @Override
    public String toString() {
        return String.format("%016X:%016X:%016X:%016X", current, bitmap, history1, history2);
    }
}
