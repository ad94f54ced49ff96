package org.duplex.failover.model;

import java.time.ZoneId;
import java.util.Objects;

/**
 * Cluster-wide failover options.
 *
 * @param noQuorumPolicy what a partition without quorum does
 * @param fencing        true when a fencing device is configured: dead nodes and nodes with an unconfirmed
 *                       stop are fenced before their groups start elsewhere; false: a dead node is trusted to
 *                       have stopped its groups itself (it lost quorum, see {@link NoQuorumPolicy#STOP}) and a
 *                       group with an unconfirmed stop stays blocked until an operator acts
 * @param zone           time zone of failback windows
 */
public record ClusterOptions(NoQuorumPolicy noQuorumPolicy, boolean fencing, ZoneId zone) {

    public static final ClusterOptions DEFAULT = new ClusterOptions(NoQuorumPolicy.STOP, false, ZoneId.of("UTC"));

    public ClusterOptions {
        Objects.requireNonNull(noQuorumPolicy, "no-quorum policy");
        Objects.requireNonNull(zone, "zone");
    }
}
