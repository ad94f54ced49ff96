package org.duplex.mirror.fence;

import java.util.Locale;
import java.util.Optional;

import org.duplex.mirror.leg.Fencing;

/**
 * The fencing a volume runs with, given the one asked for and where its fencing path goes (issue 13, item 4).
 *
 * <p>{@code resource-only} resumes writes when the peer is unreachable on the replication link <em>and</em> on the
 * fencing path, on the grounds that the peer is then outside this quorate partition. That only holds if the
 * fencing path is independent of the replication link. When it goes to the peer's replication address (the
 * default: {@code fence.peer.address} unset, or set to {@code peer.address}), a cut replication NIC hides the peer
 * from both, the peer is alive and may be promoted later, and the writes acknowledged meanwhile would be lost
 * (DRBD's guide: resource-level fencing needs at least two independent communication channels). Such a volume
 * runs as {@code resource-and-stonith}: writes the peer lacks stay suspended until it is outdated or reconnects,
 * or until the operator, having powered the peer off, runs {@code ha:mirror-resume-io --force}. The operator who
 * accepts the risk says so with {@code fence.shared.path.ok = true}.
 *
 * @param requested  the {@code fencing} setting
 * @param effective  what the volume runs with
 * @param sharedPath the fencing path goes to the peer's replication address
 * @param note       what to log at start (and show in the status) when the path is shared, empty otherwise
 */
public record FencePathPolicy(Fencing requested, Fencing effective, boolean sharedPath, Optional<String> note) {

    /** The setting that accepts resource-only over a shared path. */
    public static final String OVERRIDE = "fence.shared.path.ok";

    /**
     * @param peerAddress      the peer's replication address ({@code peer.address})
     * @param peerFenceAddress {@code fence.peer.address} as configured, null or empty when unset
     * @param sharedPathOk     {@value #OVERRIDE}
     */
    public static FencePathPolicy decide(String volume, Fencing requested, String peerAddress,
                                         String peerFenceAddress, boolean sharedPathOk) {
        String fenceHost = peerFenceAddress == null || peerFenceAddress.isBlank() ? peerAddress : peerFenceAddress;
        boolean shared = normalize(fenceHost).equals(normalize(peerAddress));
        if (!shared || requested == Fencing.DONT_CARE) {
            return new FencePathPolicy(requested, requested, shared, Optional.empty());
        }
        String where = "the fencing path goes to the peer's replication address " + peerAddress + " ("
                + (peerFenceAddress == null || peerFenceAddress.isBlank() ? "fence.peer.address is not set"
                : "fence.peer.address = peer.address") + "), so a cut replication NIC hides the peer from both paths";
        String fix = "set fence.local.address and fence.peer.address to the cluster interface (on both nodes)";
        if (requested == Fencing.RESOURCE_AND_STONITH) {
            return new FencePathPolicy(requested, requested, true, Optional.of("Mirror volume " + volume + ": "
                    + where + ": writes then stay suspended until the link is back or ha:mirror-resume-io --force "
                    + volume + " (fencing resource-and-stonith); to outdate the peer over another path, " + fix));
        }
        if (sharedPathOk) {
            return new FencePathPolicy(requested, requested, true, Optional.of("Mirror volume " + volume + ": "
                    + where + "; " + OVERRIDE + " = true: resource-only resumes writes when the peer is unreachable "
                    + "on both, and if this node then dies, promoting the peer loses the writes acknowledged "
                    + "meanwhile. Safer: " + fix));
        }
        return new FencePathPolicy(requested, Fencing.RESOURCE_AND_STONITH, true, Optional.of("Mirror volume "
                + volume + ": fencing = resource-only, but " + where + ": resuming writes then would let a later "
                + "promotion of the stale peer lose them. Running as resource-and-stonith: writes the peer lacks "
                + "stay suspended until it is outdated or reconnects, or until ha:mirror-resume-io --force " + volume
                + " once its node is powered off. Fix: " + fix + "; or accept the risk with " + OVERRIDE + " = true"));
    }

    /** One line for ha:mirror-status. */
    public String summary() {
        if (effective == requested) {
            return effective.label() + (sharedPath && effective != Fencing.DONT_CARE
                    ? " (the fencing path shares the replication NIC)" : "");
        }
        return effective.label() + " (" + requested.label() + " asked, but the fencing path shares the replication "
                + "NIC: set fence.peer.address to the cluster interface, or " + OVERRIDE + " = true)";
    }

    private static String normalize(String host) {
        return host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    }
}
