package org.duplex.api.mirror;

import java.util.Objects;

/**
 * One mirror volume as this node's leg sees it ({@code ha:mirror-status}). Enumerated values are upper-case words
 * so a new one in a later version is still readable by an older consumer.
 *
 * @param name              the volume (and its NBD export name)
 * @param role              this leg: {@code PRIMARY} or {@code SECONDARY}
 * @param writable          a primary that accepts application writes (false while quorum is lost, I/O suspended,
 *                          ... and always on a secondary)
 * @param peerRole          the peer leg's role while connected, else null
 * @param connection        {@code STANDALONE}, {@code CONNECTING}, {@code CONNECTED}, {@code SYNC_SOURCE},
 *                          {@code SYNC_TARGET} or {@code VERIFYING}
 * @param localDisk         this leg's data: {@code UP_TO_DATE}, {@code INCONSISTENT}, {@code OUTDATED} or
 *                          {@code UNKNOWN}
 * @param peerDisk          the peer leg's data as last reported ({@code UNKNOWN} while disconnected)
 * @param replicated        false for a volume configured without a peer
 * @param peerAddress       the peer's replication address host:port, or null for an unreplicated volume
 * @param syncPercent       share of the volume known identical on both legs (100 when in sync)
 * @param dirtyBytes        bytes this leg must still send or receive
 * @param resyncBytesPerSec measured resync speed (0 when not resyncing)
 * @param etaSeconds        estimated seconds to the end of the resync, or null
 * @param resyncBytesSent   resync bytes this leg has sent since it was opened
 * @param generations       this leg's generation identifiers (what decides the resync direction)
 * @param promotedEpoch     the fencing epoch of this leg's last promotion (0: never promoted)
 * @param ioSuspended       a primary holding writes until its peer is confirmed outdated (see resume-io)
 * @param splitBrain        the last connect found both legs changed since they parted and no policy resolved it:
 *                          an operator must choose a victim (resolve-split-brain)
 * @param alert             the last problem needing an operator (split brain, unrelated data, fencing), or null
 * @param lastVerify        the last online verify's result in words, or null
 * @param exportAddress     the NBD export, {@code nbd://host:port/name}, or null when the export is disabled
 * @param fencing           the fencing the volume runs with, in words, or null for an unreplicated volume
 */
public record MirrorVolumeStatus(String name, String role, boolean writable, String peerRole, String connection,
                                 String localDisk, String peerDisk, boolean replicated, String peerAddress,
                                 double syncPercent, long dirtyBytes, long resyncBytesPerSec, Long etaSeconds,
                                 long resyncBytesSent, Generations generations, long promotedEpoch,
                                 boolean ioSuspended, boolean splitBrain, String alert, String lastVerify,
                                 String exportAddress, String fencing) {

    public MirrorVolumeStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(localDisk, "localDisk");
        Objects.requireNonNull(peerDisk, "peerDisk");
        Objects.requireNonNull(generations, "generations");
    }

    /**
     * Generation identifiers (as in DRBD): {@code current} changes when a leg starts writing without its peer,
     * {@code bitmap} is the current id the dirty bitmap tracks changes against (0: none), the two history ids the
     * previous current ones. Hexadecimal, as the shell shows them.
     */
    public record Generations(String current, String bitmap, String history1, String history2) {
    }
}
