package org.duplex.mirror.gi;

/**
 * Decides resync direction from both legs' generation identifiers (the DRBD rules, simplified), and settles split
 * brain by policy. Pure: both sides run it with the arguments swapped and reach mirrored answers.
 */
public final class SyncPlanner {
    private SyncPlanner() {
    }

    /** The decision and, for split brain, why it was (or was not) settled. */
    public record Plan(SyncDecision decision, boolean splitBrainDetected, String reason) {
    }

    public static Plan plan(LegInfo local, LegInfo peer) {
        SyncDecision raw = compare(local, peer);
        if (raw == SyncDecision.NO_SAFE_SOURCE) {
            return new Plan(raw, false, noSourceReason(local, peer));
        }
        boolean splitBrain = raw == SyncDecision.SPLIT_BRAIN;
        Plan p = splitBrain ? settle(local, peer) : new Plan(raw, false, describe(raw));
        Plan unsafe = unsafeSource(p.decision(), local, peer, splitBrain ? "split brain: " : "");
        if (unsafe != null) {
            return new Plan(unsafe.decision(), splitBrain, unsafe.reason());
        }
        boolean targetIsPrimary = p.decision().isTarget() ? local.primary() : p.decision().isSource() && peer.primary();
        if (targetIsPrimary) {
            // both sides refuse (also a split-brain victim chosen by hand before that leg was promoted again)
            String who = p.decision().isTarget() ? "this node" : "the peer";
            return new Plan(splitBrain ? SyncDecision.SPLIT_BRAIN : SyncDecision.UNRELATED, splitBrain,
                    (splitBrain ? "split brain: " + who + " would be the victim" : who + " would be the sync target")
                            + " but is primary: refusing to overwrite a primary");
        }
        return p;
    }

    /**
     * Only an UpToDate leg may be a sync source (as in DRBD, whose SyncSource state requires an UpToDate disk): an
     * Outdated or Inconsistent leg may lack acknowledged writes, and making it the source would overwrite them on
     * its peer. Null when {@code d} respects that.
     */
    private static Plan unsafeSource(SyncDecision d, LegInfo l, LegInfo p, String prefix) {
        LegInfo source = d.isSource() ? l : d.isTarget() ? p : null;
        if (source == null || source.upToDate()) {
            return null;
        }
        LegInfo other = source == l ? p : l;
        String who = source == l ? "this leg" : "the peer's leg";
        return new Plan(SyncDecision.NO_SAFE_SOURCE, false, prefix + "the sync rules make " + who
                + " the sync source, but it is " + label(source.disk()) + " (it may lack acknowledged writes) while "
                + (source == l ? "the peer's leg" : "this leg") + " is " + label(other.disk())
                + ": refusing to resync in either direction. Way out: ha:mirror-promote --force on the node whose "
                + "data is to be kept (while disconnected), then ha:mirror-connect on both");
    }

    private static String noSourceReason(LegInfo l, LegInfo p) {
        return "neither leg is UpToDate (this leg " + label(l.disk()) + ", the peer's " + label(p.disk())
                + ") at the same generation: either may lack acknowledged writes, so neither is made the sync source "
                + "automatically. Way out: ha:mirror-promote --force on the node whose data is to be kept (while "
                + "disconnected; the writes only the other leg had are lost), then ha:mirror-connect on both";
    }

    static String label(DiskState d) {
        switch (d) {
            case UP_TO_DATE: return "UpToDate";
            case INCONSISTENT: return "Inconsistent";
            case OUTDATED: return "Outdated";
            default: return "of unknown state";
        }
    }

    static SyncDecision compare(LegInfo l, LegInfo p) {
        GenerationIds a = l.gi();
        GenerationIds b = p.gi();
        if (a.justCreated() && b.justCreated()) {
            return SyncDecision.NONE;
        }
        if (a.justCreated()) {
            return SyncDecision.FULL_TARGET;
        }
        if (b.justCreated()) {
            return SyncDecision.FULL_SOURCE;
        }
        if (a.current() == b.current()) {
            return sameGeneration(l, p);
        }
        if (a.bitmap() != 0 && a.bitmap() == b.bitmap()) {
            return SyncDecision.SPLIT_BRAIN;
        }
        boolean peerTracksUs = b.bitmap() != 0 && b.bitmap() == a.current();
        boolean weTrackPeer = a.bitmap() != 0 && a.bitmap() == b.current();
        if (peerTracksUs || weTrackPeer) {
            // each newer than the other cannot happen in one history: treat it as divergence
            return peerTracksUs && weTrackPeer ? SyncDecision.SPLIT_BRAIN
                    : peerTracksUs ? SyncDecision.TARGET : SyncDecision.SOURCE;
        }
        if (a.inHistory(b.bitmap()) || b.inHistory(a.bitmap())) {
            return SyncDecision.SPLIT_BRAIN;
        }
        boolean peerDescends = b.inHistory(a.current());
        boolean weDescend = a.inHistory(b.current());
        if (peerDescends || weDescend) {
            return peerDescends && weDescend ? SyncDecision.SPLIT_BRAIN
                    : peerDescends ? SyncDecision.FULL_TARGET : SyncDecision.FULL_SOURCE;
        }
        return SyncDecision.UNRELATED;
    }

    /**
     * Same generation. The disk state decides first: an UpToDate leg is the source for a peer that is not (even
     * with no dirty region anywhere: the empty resync clears the peer's Outdated or Inconsistent mark); two legs
     * that are both not UpToDate get no automatic source. Between two UpToDate legs, dirty regions (a crash) are
     * copied from the primary, else the crashed primary, else the leg with more of them.
     */
    private static SyncDecision sameGeneration(LegInfo l, LegInfo p) {
        if (l.upToDate() != p.upToDate()) {
            return l.upToDate() ? SyncDecision.SOURCE : SyncDecision.TARGET;
        }
        if (!l.upToDate()) {
            return SyncDecision.NO_SAFE_SOURCE;
        }
        if (l.dirtyRegions() == 0 && p.dirtyRegions() == 0) {
            return SyncDecision.NONE;
        }
        return localWinsTie(l, p) ? SyncDecision.SOURCE : SyncDecision.TARGET;
    }

    private static boolean localWinsTie(LegInfo l, LegInfo p) {
        if (l.primary() != p.primary()) {
            return l.primary();
        }
        if (l.crashedPrimary() != p.crashedPrimary()) {
            return l.crashedPrimary();
        }
        if (l.dirtyRegions() != p.dirtyRegions()) {
            return l.dirtyRegions() > p.dirtyRegions();
        }
        return l.token() > p.token();
    }

    private static Plan settle(LegInfo l, LegInfo p) {
        if (l.discardMyData() && !p.discardMyData()) {
            return victim(l, true, "split brain resolved manually: discarding this node's changes");
        }
        if (p.discardMyData() && !l.discardMyData()) {
            return victim(l, false, "split brain resolved manually: the peer discards its changes");
        }
        if (l.policy() != p.policy()) {
            return new Plan(SyncDecision.SPLIT_BRAIN, true, "split brain: the nodes are configured with different "
                    + "policies (" + l.policy().configName() + " here, " + p.policy().configName() + " on the peer)");
        }
        Boolean localLoses;
        switch (l.policy()) {
            case DISCARD_YOUNGER_PRIMARY:
                localLoses = younger(l, p);
                break;
            case DISCARD_LEAST_CHANGES:
                localLoses = l.dirtyRegions() != p.dirtyRegions() ? l.dirtyRegions() < p.dirtyRegions() : younger(l, p);
                break;
            case DISCARD_ZERO_CHANGES:
                if (l.dirtyRegions() == 0 && p.dirtyRegions() == 0) {
                    localLoses = l.token() < p.token();
                } else if (l.dirtyRegions() == 0) {
                    localLoses = true;
                } else if (p.dirtyRegions() == 0) {
                    localLoses = false;
                } else {
                    localLoses = null;
                }
                break;
            default:
                localLoses = null;
        }
        if (localLoses == null) {
            return new Plan(SyncDecision.SPLIT_BRAIN, true, "split brain detected: both nodes changed data ("
                    + l.dirtyRegions() + " regions here, " + p.dirtyRegions() + " on the peer); policy "
                    + l.policy().configName() + " does not settle it: run ha:mirror-resolve-split-brain");
        }
        if (localLoses ? l.primary() : p.primary()) {
            return new Plan(SyncDecision.SPLIT_BRAIN, true, "split brain: policy " + l.policy().configName()
                    + " picks the current primary as victim; demote it and resolve manually");
        }
        return victim(l, localLoses, "split brain settled by policy " + l.policy().configName() + ": "
                + (localLoses ? "this node" : "the peer") + " discards its changes");
    }

    /** True when the local side was promoted after the peer. */
    private static boolean younger(LegInfo l, LegInfo p) {
        if (l.promotedEpoch() != p.promotedEpoch()) {
            return l.promotedEpoch() > p.promotedEpoch();
        }
        if (l.promotedAtMillis() != p.promotedAtMillis()) {
            return l.promotedAtMillis() > p.promotedAtMillis();
        }
        return l.token() < p.token();
    }

    private static Plan victim(LegInfo l, boolean localLoses, String reason) {
        return new Plan(localLoses ? SyncDecision.TARGET : SyncDecision.SOURCE, true, reason);
    }

    private static String describe(SyncDecision d) {
        switch (d) {
            case NONE: return "legs agree: no resync needed";
            case SOURCE: return "this node is newer: resync of dirty regions to the peer";
            case TARGET: return "peer is newer: resync of dirty regions from the peer";
            case FULL_SOURCE: return "full sync to the peer";
            case FULL_TARGET: return "full sync from the peer";
            case UNRELATED: return "the legs share no history (different volumes?): refusing to connect";
            case NO_SAFE_SOURCE: return "no leg may be the sync source: refusing to connect";
            default: return d.name();
        }
    }
}
