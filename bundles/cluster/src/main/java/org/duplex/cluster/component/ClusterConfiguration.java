package org.duplex.cluster.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** ConfigAdmin PID org.duplex.cluster (etc/org.duplex.cluster.cfg). Underscores map to dots, double to one. */
@ObjectClassDefinition(name = "Duplex cluster", description = "Membership, quorum, tiebreaker and coordinator")
public @interface ClusterConfiguration {

    @AttributeDefinition(description = "This node's id, as listed in members")
    String node_id();

    @AttributeDefinition(description = "Cluster name: nodes of different clusters never merge")
    String cluster_name() default "duplex";

    @AttributeDefinition(description = "Address of the cluster transport (TCP)")
    String bind_address() default "127.0.0.1";

    @AttributeDefinition(description = "Port of the cluster transport; 0 = the port listed in members")
    int bind_port() default 0;

    @AttributeDefinition(description = "All nodes: id@host:port[/witness][*votes], comma separated")
    String members();

    @AttributeDefinition(description = "Expected votes; 0 = sum of the configured votes")
    int expected_votes() default 0;

    @AttributeDefinition(name = "two_node", description = "Two-node mode (a tiebreaker decides a split)")
    boolean two__node() default false;

    @AttributeDefinition(name = "wait_for_all", description = "Cold start: no quorum before all nodes were seen")
    boolean wait__for__all() default false;

    @AttributeDefinition(name = "no_quorum_policy", description = "stop, freeze or ignore")
    String no__quorum__policy() default "stop";

    @AttributeDefinition(description = "none, disk, witness or ping")
    String tiebreaker_type() default "none";

    @AttributeDefinition(description = "Disk lease: shared file or block device")
    String tiebreaker_disk_path() default "";

    @AttributeDefinition(description = "Disk lease: byte offset of the lease block (multiple of 4096)")
    long tiebreaker_disk_offset() default 0;

    @AttributeDefinition(description = "Disk lease: renew interval in ms")
    long tiebreaker_disk_renew_ms() default 250;

    @AttributeDefinition(description = "Disk lease: lease time in ms (>= 3 x renew)")
    long tiebreaker_disk_lease_ms() default 2000;

    @AttributeDefinition(description = "Disk lease: safety margin in ms for clock rate and I/O latency")
    long tiebreaker_disk_margin_ms() default 500;

    @AttributeDefinition(description = "Disk lease: take the lease of a holder that left the view and stopped"
            + " renewing as soon as a fencing device confirms it off (needs devices that power the node off or cut"
            + " it from the lease disk)")
    boolean tiebreaker_disk_fence_takeover() default true;

    @AttributeDefinition(description = "Witness tiebreaker: the witness node id")
    String tiebreaker_witness() default "";

    @AttributeDefinition(description = "Ping tiebreaker (weak): host to ping")
    String tiebreaker_ping_target() default "";

    @AttributeDefinition(description = "State directory (epoch, accepted configuration); empty = ${karaf.data}/duplex/cluster")
    String state_dir() default "";

    @AttributeDefinition(description = "Shared cluster key file; empty = ${karaf.etc}/duplex-cluster.key")
    String cluster_key_file() default "";

    @AttributeDefinition(description = "Fast failure detection in ms: a new coordinator's term must be established "
            + "within half of it; VERIFY_SUSPECT checks a suspicion for a quarter of it")
    long fd_timeout_ms() default 600;

    @AttributeDefinition(description = "JGroups' own failure detection (FD_ALL3) in ms: a member silent this long on "
            + "the cluster connections is excluded. Dead nodes are excluded by the heartbeat (dead on every link) in "
            + "its dead time; this is the backstop for members no heartbeat link covers and for a cut interconnect. "
            + "Never below fd.timeout.ms")
    long fd_backstop_ms() default 10000;

    @AttributeDefinition(description = "FD_SOCK2 listens on the transport port + this offset")
    int fd_sock_offset() default 100;

    @AttributeDefinition(description = "Quorum evaluation interval in ms")
    long tick_ms() default 50;

    @AttributeDefinition(description = "How long the coordinator waits for another node's report on an order (start,"
            + " stop, probe) in ms; longer than the longest agent operation timeout")
    long execution_timeout_ms() default 120000;
}
