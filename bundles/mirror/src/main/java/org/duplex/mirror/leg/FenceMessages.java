package org.duplex.mirror.leg;

/**
 * What a primary that could not outdate its peer tells the operator: what happened, what it does, what is at
 * risk and the way out. Two situations: this primary lost the replication link to its secondary, or this node was
 * promoted while the peer (possibly the old primary: dead, cut off, or frozen) was not connected.
 */
public final class FenceMessages {
    private FenceMessages() {
    }

    /** Writes resume without the peer confirmed Outdated (resource-only, peer unreachable, this node quorate). */
    public static String resumedUnconfirmed(String volume, boolean promotedWithoutPeer, String detail) {
        if (!promotedWithoutPeer) {
            return "Mirror volume " + volume + ": the peer is unreachable on the replication link and on the "
                    + "fencing path (" + detail + "): it is outside this quorate partition and cannot be promoted "
                    + "now, so writes resume (fencing resource-only). RISK: if this node dies before the peer "
                    + "reconnects, a promotion of the peer would lose the writes acknowledged from now on "
                    + "(resource-and-stonith keeps them suspended instead). Retrying to outdate the peer every 5 s.";
        }
        return "Mirror volume " + volume + ": promoted while the peer is not connected, and it cannot be outdated: "
                + "unreachable on the fencing path (" + detail + "). The promotion had quorum and the cluster's epoch, "
                + "so writes resume (fencing resource-only): an old primary that is dead or stopped acknowledges "
                + "nothing, and if it runs again it cannot outdate this node (refused while primary) nor connect "
                + "(both primary: refused). Way out when it is back: ha:mirror-demote " + volume + " on it (the "
                + "cluster stops it when it lost quorum) and ha:mirror-connect " + volume + ": it resyncs from this "
                + "node (a split brain if it wrote while alone). RISK: if this node dies before that, promoting the "
                + "old leg would lose the writes acknowledged from now on (resource-and-stonith keeps them "
                + "suspended instead). Retrying to outdate it every 5 s.";
    }

    /** The way out of a suspension, for the status line and the suspended writes' errors. */
    public static String wayOut(String volume, boolean promotedWithoutPeer) {
        if (!promotedWithoutPeer) {
            return "restore the link (writes resume once connected), or make the peer reachable on the fencing "
                    + "path, or demote; if the peer node is powered off: ha:mirror-resume-io --force " + volume;
        }
        return "make the peer reachable on the fencing path (it is outdated as soon as it answers and is not "
                + "primary: demote it there if it is), or demote this node; if the peer node is powered off: "
                + "ha:mirror-resume-io --force " + volume;
    }
}
