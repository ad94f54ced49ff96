package org.duplex.mirror.engine;

/** The replication link as the operator sees it. */
public enum ConnectionState {
    /** Not trying to connect (after disconnect, split brain or unrelated data). */
    STANDALONE,
    /** Trying to reach the peer. */
    CONNECTING,
    /** Connected, legs identical. */
    CONNECTED,
    /** Connected, sending dirty regions to the peer. */
    SYNC_SOURCE,
    /** Connected, receiving dirty regions from the peer. */
    SYNC_TARGET,
    /** Connected, comparing checksums of both legs. */
    VERIFYING
}
