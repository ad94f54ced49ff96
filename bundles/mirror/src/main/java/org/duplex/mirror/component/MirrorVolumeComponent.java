package org.duplex.mirror.component;

import java.nio.file.Path;
import java.util.Map;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.engine.MirrorException;
import org.duplex.mirror.leg.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One mirrored volume per factory configuration of {@code org.duplex.mirror.volume}. */
@Component(configurationPid = VolumeSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = MirrorVolumeComponent.Config.class, factory = true)
public class MirrorVolumeComponent {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorVolumeComponent.class);

    @ObjectClassDefinition(name = "Duplex mirror volume", description = "A block volume replicated to one peer")
    public @interface Config {
        @AttributeDefinition(description = "Volume and NBD export name, the same on both nodes")
        String name();

        @AttributeDefinition(description = "Size (bytes or 512M, 1G...), the same on both nodes")
        String size();

        @AttributeDefinition(description = "Backing file or block device")
        String backing_path();

        @AttributeDefinition(description = "Metadata directory (generation ids, bitmap, activity log); "
                + "default ${karaf.data}/mirror/NAME")
        String meta_dir() default "";

        @AttributeDefinition(description = "Local replication address (the replication NIC)")
        String local_address() default "127.0.0.1";

        @AttributeDefinition(description = "Local replication port")
        int local_port() default 7789;

        @AttributeDefinition(description = "Peer replication address; empty = unreplicated volume")
        String peer_address() default "";

        @AttributeDefinition(description = "Peer replication port")
        int peer_port() default 7789;

        @AttributeDefinition(description = "NBD export address; empty = no export")
        String nbd_address() default "127.0.0.1";

        @AttributeDefinition(description = "NBD export port")
        int nbd_port() default 10809;

        @AttributeDefinition(description = "Role at start: secondary (failover promotes it) or primary")
        String role() default "secondary";

        @AttributeDefinition(description = "sync (protocol C) or async (CAN LOSE THE LAST WRITES)")
        String mode() default "sync";

        @AttributeDefinition(description = "disconnect, discard-younger-primary, discard-least-changes, "
                + "discard-zero-changes")
        String split_brain_policy() default "disconnect";

        @AttributeDefinition(description = "Resync rate limit in bytes/s (100M...), 0 = unlimited")
        String resync_rate() default "0";

        @AttributeDefinition(description = "prefer-local, round-robin or least-pending")
        String read_balancing() default "prefer-local";

        @AttributeDefinition(description = "Dirty bitmap granularity")
        String granularity() default "64K";

        @AttributeDefinition(description = "New empty volume on both nodes: skip the full initial sync")
        boolean skip_initial_sync() default false;

        @AttributeDefinition(description = "Cluster key for frame HMACs; default ${karaf.etc}/duplex-cluster.key")
        String key_file() default "";

        @AttributeDefinition(description = "On replication-link loss: dont-care, resource-only (writes wait until the "
                + "peer is Outdated or the link is back; a peer unreachable on the fencing path too resumes them, "
                + "but only with a fencing path on another address than peer.address, see fence.shared.path.ok) "
                + "or resource-and-stonith")
        String fencing() default "resource-only";

        @AttributeDefinition(description = "Accept resource-only with the fencing path on the peer's replication "
                + "address (fence.peer.address unset or equal to peer.address): writes then resume when a cut "
                + "replication NIC hides the peer from both paths, and are lost if this node dies and the peer is "
                + "promoted. Without it such a volume runs as resource-and-stonith")
        boolean fence_shared_path_ok() default false;

        @AttributeDefinition(description = "How long writes wait for the peer to be outdated before failing")
        long fencing_timeout_ms() default 30000;

        @AttributeDefinition(description = "Fencing path: this node's address on the cluster interface; default "
                + "local.address")
        String fence_local_address() default "";

        @AttributeDefinition(description = "Fencing path: the peer's address on the cluster interface; default "
                + "peer.address")
        String fence_peer_address() default "";

        @AttributeDefinition(description = "Fencing path port (one per volume); default local.port + 1")
        int fence_port() default 0;
    }

    private final MirrorRegistry registry;
    private final String name;

    @Activate
    public MirrorVolumeComponent(@Reference MirrorRegistry registry, Map<String, Object> props) throws Exception {
        this.registry = registry;
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path data = Path.of(System.getProperty("karaf.data", "data"));
        VolumeSettings s = VolumeSettings.parse(props, etc, data);
        this.name = s.volume().name();
        MirrorRegistry.Entry e = registry.open(s);
        if (s.initialRole() == Role.PRIMARY) {
            try {
                FencingEpoch epoch = registry.epoch();
                e.volume().promote(epoch);
            } catch (MirrorException ex) {
                LOG.error("Mirror volume {}: configured primary but not promoted: {}", name, ex.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        registry.close(name);
    }
}
