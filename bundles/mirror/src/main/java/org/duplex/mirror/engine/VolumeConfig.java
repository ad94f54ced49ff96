package org.duplex.mirror.engine;

import org.duplex.mirror.leg.Fencing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.duplex.mirror.gi.SplitBrainPolicy;

/**
 * One mirrored volume on this node.
 *
 * @param name            volume (and NBD export) name, the same on both nodes
 * @param size            bytes, the same on both nodes
 * @param backing         file or block device holding the data
 * @param metaDir         directory for generation ids, dirty bitmap and activity log
 * @param granularity     bytes per dirty-bitmap bit
 * @param listenHost      replication address to accept the peer on (null: accept nothing)
 * @param listenPort      replication port (0 = any, for tests)
 * @param peerHost        peer replication address (null: no peer, an unreplicated volume)
 * @param peerPort        peer replication port
 * @param mode            SYNC (protocol C) or ASYNC
 * @param splitBrainPolicy automatic split-brain settlement
 * @param resyncRate      resync bytes per second, 0 = unlimited
 * @param readBalancing   read placement when both legs are healthy
 * @param skipInitialSync a new volume is declared identical on both legs (both must be empty/identical)
 * @param clusterKey      HMAC key for replication frames, null = unauthenticated
 * @param ackTimeout      how long a write waits for the peer before the peer is dropped
 * @param connectRetry    delay between connection attempts
 * @param fencing         what a primary does when it loses an up-to-date peer
 * @param fencingTimeout  how long writes wait for the peer to be outdated before they fail (I/O stays suspended)
 * @param peerAck         when the peer acknowledges a write: once written to its OS, or once forced to its disk
 * @param peerTimeout     a peer from which nothing arrives for 3/4 of this (it is pinged every fifth) is dropped,
 *                        and its fencing path gets the remaining quarter to answer before it counts as unreachable:
 *                        a frozen peer stalls writes about this long (ackTimeout only bounds a live peer's acks)
 * @param activityLogExtents how many 4 MiB extents the activity log may hold (DRBD's al-extents): what a machine
 *                        restart (power loss) of this leg may have to resync; when it is full, a write to a new
 *                        extent first forces the data file so that an idle extent can leave
 */
public record VolumeConfig(String name, long size, Path backing, Path metaDir, int granularity,
                           String listenHost, int listenPort, String peerHost, int peerPort, ReplicationMode mode,
                           SplitBrainPolicy splitBrainPolicy, long resyncRate, ReadBalancing readBalancing,
                           boolean skipInitialSync, byte[] clusterKey, Duration ackTimeout, Duration connectRetry,
                           Fencing fencing, Duration fencingTimeout, PeerAck peerAck, Duration peerTimeout,
                           int activityLogExtents) {

    public static final int DEFAULT_GRANULARITY = 64 * 1024;
    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(2);
    /** DRBD's default al-extents: 4.8 GiB of 4 MiB extents. */
    public static final int DEFAULT_ACTIVITY_LOG_EXTENTS = 1237;
    /** The on-disk log holds at most this many extents (what recovery reads back). */
    public static final int MAX_ACTIVITY_LOG_EXTENTS = 65534;

    public VolumeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backing, "backing");
        Objects.requireNonNull(metaDir, "metaDir");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(splitBrainPolicy, "splitBrainPolicy");
        Objects.requireNonNull(readBalancing, "readBalancing");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(connectRetry, "connectRetry");
        Objects.requireNonNull(fencing, "fencing");
        Objects.requireNonNull(fencingTimeout, "fencingTimeout");
        Objects.requireNonNull(peerAck, "peerAck");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        if (peerTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("volume " + name + ": peer timeout must be at least 100 ms");
        }
        if (fencingTimeout.isNegative() || fencingTimeout.isZero()) {
            throw new IllegalArgumentException("volume " + name + ": fencing timeout must be positive");
        }
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("volume name must have 1..200 characters");
        }
        if (size <= 0 || size % 512 != 0) {
            throw new IllegalArgumentException("volume " + name + ": size must be a positive multiple of 512");
        }
        if (activityLogExtents < 1 || activityLogExtents > MAX_ACTIVITY_LOG_EXTENTS) {
            throw new IllegalArgumentException("volume " + name + ": activity log extents must be 1.."
                    + MAX_ACTIVITY_LOG_EXTENTS + ", got " + activityLogExtents);
        }
        if (resyncRate < 0) {
            throw new IllegalArgumentException("volume " + name + ": resync rate must not be negative");
        }
    }

    public boolean replicated() {
        return peerHost != null && !peerHost.isBlank();
    }

    /** A minimal config for tests and tools; adjust with the with* methods. */
    public static VolumeConfig of(String name, long size, Path backing, Path metaDir) {
        return new VolumeConfig(name, size, backing, metaDir, DEFAULT_GRANULARITY, null, 0, null, 0,
                ReplicationMode.SYNC, SplitBrainPolicy.DISCONNECT, 0, ReadBalancing.PREFER_LOCAL, false, null,
                Duration.ofSeconds(10), Duration.ofMillis(200), Fencing.RESOURCE_ONLY, Duration.ofSeconds(30), PeerAck.WRITTEN,
                DEFAULT_PEER_TIMEOUT, DEFAULT_ACTIVITY_LOG_EXTENTS);
    }

    public VolumeConfig withListen(String host, int port) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, host, port, peerHost, peerPort, mode,
                splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withPeer(String host, int port) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, host, port, mode,
                splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withSplitBrainPolicy(SplitBrainPolicy p) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, p, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withResyncRate(long bytesPerSecond) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, bytesPerSecond, readBalancing, skipInitialSync, clusterKey, ackTimeout,
                connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withReadBalancing(ReadBalancing r) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, r, skipInitialSync, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withSkipInitialSync(boolean skip) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skip, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withClusterKey(byte[] key) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, key, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withMode(ReplicationMode m) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                m, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry, fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withFencing(Fencing f, Duration timeout) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry,
                f, timeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withAckTimeout(Duration t) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, t, connectRetry,
                fencing, fencingTimeout, peerAck, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withPeerAck(PeerAck a) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry,
                fencing, fencingTimeout, a, peerTimeout, activityLogExtents);
    }

    public VolumeConfig withPeerTimeout(Duration t) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry,
                fencing, fencingTimeout, peerAck, t, activityLogExtents);
    }

    public VolumeConfig withActivityLogExtents(int extents) {
        return new VolumeConfig(name, size, backing, metaDir, granularity, listenHost, listenPort, peerHost, peerPort,
                mode, splitBrainPolicy, resyncRate, readBalancing, skipInitialSync, clusterKey, ackTimeout, connectRetry,
                fencing, fencingTimeout, peerAck, peerTimeout, extents);
    }

    /** How long a silent peer (nothing received, not even a PONG) is given before the link is dropped. */
    public Duration peerSilenceLimit() {
        return peerTimeout.multipliedBy(3).dividedBy(4);
    }

    /** How long the fencing path's server gets to start answering before the peer counts as unreachable. */
    public Duration fenceAnswerLimit() {
        return peerTimeout.dividedBy(4);
    }
}
