package org.duplex.mirror.engine;

import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.DiskState;

/**
 * The persisted metadata of one leg.
 *
 * @param gi               generation identifiers
 * @param disk             UP_TO_DATE or INCONSISTENT
 * @param primaryActive    set while primary; found set at start = the primary crashed (replay the activity log)
 * @param crashedPrimary   the activity log was replayed and not yet resynced
 * @param highestEpoch     newest fencing epoch seen at a promotion (older ones are refused)
 * @param promotedEpoch    epoch of the last promotion
 * @param promotedAtMillis time of the last promotion
 * @param token            random, fixed per leg: the last tie-breaker
 * @param discardMyData    the operator chose this leg as the split-brain victim for the next connect
 */
public record MetaState(GenerationIds gi, DiskState disk, boolean primaryActive, boolean crashedPrimary,
                        long highestEpoch, long promotedEpoch, long promotedAtMillis, long token,
                        boolean discardMyData) {

    public MetaState withGi(GenerationIds g) {
        return new MetaState(g, disk, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, discardMyData);
    }

    public MetaState withDisk(DiskState d) {
        return new MetaState(gi, d, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, discardMyData);
    }

    public MetaState withPrimaryActive(boolean p) {
        return new MetaState(gi, disk, p, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis, token,
                discardMyData);
    }

    public MetaState withCrashedPrimary(boolean c) {
        return new MetaState(gi, disk, primaryActive, c, highestEpoch, promotedEpoch, promotedAtMillis, token,
                discardMyData);
    }

    public MetaState withPromotion(long epoch, long atMillis) {
        return new MetaState(gi, disk, true, crashedPrimary, Math.max(highestEpoch, epoch), epoch, atMillis, token,
                discardMyData);
    }

    public MetaState withDiscardMyData(boolean d) {
        return new MetaState(gi, disk, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, d);
    }
}
