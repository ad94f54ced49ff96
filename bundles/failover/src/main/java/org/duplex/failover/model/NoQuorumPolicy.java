package org.duplex.failover.model;

/** What a partition without quorum does with the groups running on its nodes (Pacemaker's no-quorum-policy). */
public enum NoQuorumPolicy {
    /** Stop every group on the local node, so that the quorate side may take them over (the default). */
    STOP,
    /** Keep what runs, start and move nothing. */
    FREEZE,
    /** Act as if quorate. Only safe when nothing else could ever run the groups. */
    IGNORE
}
