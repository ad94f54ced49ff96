package org.duplex.mirror.gi;

/**
 * Defect 1 of issue 13, kept on purpose for the simulator: the sync planner as it was before commit 1da7b17. At
 * the same generation the tie rule alone chose the source (the primary, else the crashed primary, else the leg
 * with more dirty regions, else the token), ignoring the disk states, so an Outdated leg could become the source
 * and overwrite its UpToDate peer. Everything else is today's {@link SyncPlanner}.
 */
public final class LegacyTieRulePlanner {
    private LegacyTieRulePlanner() {
    }

    public static SyncPlanner.Plan plan(LegInfo local, LegInfo peer) {
        GenerationIds a = local.gi();
        GenerationIds b = peer.gi();
        if (a.justCreated() || b.justCreated() || a.current() != b.current()) {
            return SyncPlanner.plan(local, peer);
        }
        SyncDecision d;
        if (local.dirtyRegions() == 0 && peer.dirtyRegions() == 0) {
            d = SyncDecision.NONE;
        } else {
            d = localWinsTie(local, peer) ? SyncDecision.SOURCE : SyncDecision.TARGET;
        }
        if (d.isTarget() && local.primary()) {
            return new SyncPlanner.Plan(SyncDecision.UNRELATED, false,
                    "peer has newer data but this node is primary: refusing to overwrite a primary");
        }
        return new SyncPlanner.Plan(d, false, d == SyncDecision.NONE ? "legs agree: no resync needed"
                : d == SyncDecision.SOURCE ? "this node is newer: resync of dirty regions to the peer"
                : "peer is newer: resync of dirty regions from the peer");
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
}
