package org.duplex.api.mirror;

import java.util.List;

import org.duplex.api.admin.AdminException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The mirror bundle's administrative side: the {@code ha:mirror-*} commands as a service, for this node's legs of
 * its mirror volumes. Implemented by the mirror bundle only (consumer: the web bundle). Every operation acts on this
 * node's leg, as the command of the same name does when typed on this node.
 *
 * <p>Failures: {@link AdminException.Kind#NOT_FOUND} with field {@code volume} for a volume not open on this node
 * (the message names it); {@link AdminException.Kind#INVALID} with the field at fault; {@link
 * AdminException.Kind#REFUSED} (field null) when the volume refuses in its current state (no quorum, a primary asked
 * to invalidate, verify without a connected peer, ...), the message saying why.
 */
@ProviderType
public interface MirrorAdmin {

    /** Every volume open on this node, by name. */
    List<MirrorVolumeStatus> volumes();

    /** {@code ha:mirror-status VOLUME}. */
    MirrorVolumeStatus volume(String volume) throws AdminException;

    /** {@code ha:mirror-verify}: compares checksums of both legs online; differing regions are marked for resync. */
    MirrorOutcome verify(String volume) throws AdminException;

    /** {@code ha:mirror-connect}: connects to the peer (resyncs what differs). */
    MirrorOutcome connect(String volume) throws AdminException;

    /** {@code ha:mirror-disconnect}: a primary keeps writing, its writes tracked in the dirty bitmap. */
    MirrorOutcome disconnect(String volume) throws AdminException;

    /**
     * {@code ha:mirror-resume-io --force}: acknowledges writes again on a primary that suspended them because its
     * peer could not be outdated. Only safe when the peer node is known to be powered off.
     *
     * @param peerDown must be true: the caller confirms the peer is down (else INVALID, field {@code force})
     */
    MirrorOutcome resumeIo(String volume, boolean peerDown) throws AdminException;

    /**
     * {@code ha:mirror-promote [--epoch E] [--force]}: makes this leg primary (needs quorum and the current fencing
     * epoch).
     *
     * @param epoch the fencing epoch to promote with, or null for the cluster's current one
     * @param force also promote an Outdated leg: the writes its old primary acknowledged since are lost
     */
    MirrorOutcome promote(String volume, Long epoch, boolean force) throws AdminException;

    /** {@code ha:mirror-demote}: makes this leg secondary; application writes are refused at once. */
    MirrorOutcome demote(String volume) throws AdminException;

    /** {@code ha:mirror-invalidate}: declares this leg's data bad; a full sync from the peer follows. */
    MirrorOutcome invalidate(String volume) throws AdminException;

    /**
     * {@code ha:mirror-resolve-split-brain [--discard-local]}: run on both nodes, with {@code discardLocal} on the
     * victim (its changes since the split are discarded and overwritten from the peer) and without on the survivor
     * (it keeps its data and reconnects).
     */
    MirrorOutcome resolveSplitBrain(String volume, boolean discardLocal) throws AdminException;
}
