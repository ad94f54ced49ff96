package org.duplex.mirror.gi;

/**
 * What one leg tells the other at connect time, as far as the sync decision needs it.
 *
 * @param gi              generation identifiers
 * @param disk            its disk state: only an UpToDate leg may be a sync source
 * @param primary         currently primary
 * @param crashedPrimary  was primary when it last stopped without a clean demote (its activity log was replayed)
 * @param dirtyRegions    regions set in its dirty bitmap
 * @param promotedEpoch   fencing epoch of its last promotion (0 never)
 * @param promotedAtMillis wall-clock time of its last promotion, a tie-breaker only
 * @param token           random per-node value, the last tie-breaker
 * @param discardMyData   the operator chose this leg as the split-brain victim
 * @param policy          its configured split-brain policy
 */
public record LegInfo(GenerationIds gi, DiskState disk, boolean primary, boolean crashedPrimary, long dirtyRegions,
                      long promotedEpoch, long promotedAtMillis, long token, boolean discardMyData,
                      SplitBrainPolicy policy) {

    public LegInfo {
        java.util.Objects.requireNonNull(disk, "disk");
    }

    public boolean upToDate() {
        return disk == DiskState.UP_TO_DATE;
    }
}
