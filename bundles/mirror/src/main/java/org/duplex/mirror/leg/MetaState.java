package org.duplex.mirror.leg;

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
 * @param outdatedCause    why the disk is OUTDATED ({@link #OUTDATED_BY_PRIMARY}, {@link #OUTDATED_BY_UNCLEAN_STOP},
 *                         {@link #OUTDATED_BY_LOST_CACHE}),
 *                         "" otherwise or when not recorded (metadata written by an older version)
 */
public record MetaState(GenerationIds gi, DiskState disk, boolean primaryActive, boolean crashedPrimary,
                        long highestEpoch, long promotedEpoch, long promotedAtMillis, long token,
                        boolean discardMyData, String outdatedCause) {

    /** The primary lost the replication link, kept writing and had this leg marked over the fencing path. */
    public static final String OUTDATED_BY_PRIMARY = "primary-fenced";
    /** This leg stopped uncleanly while receiving writes it acknowledged before forcing them. */
    public static final String OUTDATED_BY_UNCLEAN_STOP = "unclean-stop";
    /** This leg was primary when its machine restarted (power loss, kernel crash): its page cache is gone. */
    public static final String OUTDATED_BY_LOST_CACHE = "lost-page-cache";

    public MetaState {
        outdatedCause = disk == DiskState.OUTDATED && outdatedCause != null ? outdatedCause : "";
    }

    /** Marks the disk OUTDATED for the given cause. */
    public MetaState withOutdated(String cause) {
        return new MetaState(gi, DiskState.OUTDATED, primaryActive, crashedPrimary, highestEpoch, promotedEpoch,
                promotedAtMillis, token, discardMyData, cause);
    }

    public MetaState withGi(GenerationIds g) {
        return new MetaState(g, disk, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, discardMyData, outdatedCause);
    }

    public MetaState withDisk(DiskState d) {
        return new MetaState(gi, d, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, discardMyData, outdatedCause);
    }

    public MetaState withPrimaryActive(boolean p) {
        return new MetaState(gi, disk, p, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis, token,
                discardMyData, outdatedCause);
    }

    public MetaState withCrashedPrimary(boolean c) {
        return new MetaState(gi, disk, primaryActive, c, highestEpoch, promotedEpoch, promotedAtMillis, token,
                discardMyData, outdatedCause);
    }

    public MetaState withPromotion(long epoch, long atMillis) {
        return new MetaState(gi, disk, true, crashedPrimary, Math.max(highestEpoch, epoch), epoch, atMillis, token,
                discardMyData, outdatedCause);
    }

    public MetaState withDiscardMyData(boolean d) {
        return new MetaState(gi, disk, primaryActive, crashedPrimary, highestEpoch, promotedEpoch, promotedAtMillis,
                token, d, outdatedCause);
    }
}
