package org.duplex.heartbeat.ds;

import java.util.Map;

import org.duplex.heartbeat.link.LinkConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One heartbeat link per factory configuration of {@code org.duplex.heartbeat.link}: creating, changing or deleting
 * a configuration adds, replaces or removes the link while the node runs.
 */
@Component(configurationPid = LinkConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = LinkComponent.Config.class, factory = true)
public class LinkComponent {

    @ObjectClassDefinition(name = "Duplex heartbeat link", description = "One UDP, TCP, serial or shared-disk heartbeat link")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Unique link name, e.g. udp0, serial0, disk0")
        String name();

        @AttributeDefinition(name = "Type", description = "udp, tcp, serial or disk")
        String type();

        @AttributeDefinition(name = "Interval (ms)")
        long interval_ms() default 200;

        @AttributeDefinition(name = "Warn time (ms)")
        long warn_ms() default 400;

        @AttributeDefinition(name = "Dead time (ms)")
        long dead_ms() default 600;

        @AttributeDefinition(name = "Local address", description = "udp/tcp: address to bind (the heartbeat NIC)")
        String local_address() default "0.0.0.0";

        @AttributeDefinition(name = "Port", description = "udp/tcp: local port")
        int port() default LinkConfig.DEFAULT_PORT;

        @AttributeDefinition(name = "Peers", description = "udp/tcp: node=host:port; serial: the node at the other end")
        String[] peers() default {};

        @AttributeDefinition(name = "Multicast group", description = "udp: send to this group instead of unicast")
        String multicast_group() default "";

        @AttributeDefinition(name = "Serial device", description = "serial: e.g. /dev/ttyS0")
        String device() default "";

        @AttributeDefinition(name = "Baud rate", description = "serial: 8N1 at this rate")
        int baud() default LinkConfig.DEFAULT_BAUD;

        @AttributeDefinition(name = "Path", description = "disk: shared file or block device")
        String path() default "";

        @AttributeDefinition(name = "Slot size", description = "disk: bytes per node slot, multiple of 512")
        int slot_size() default LinkConfig.DEFAULT_SLOT_SIZE;

        @AttributeDefinition(name = "Slots", description = "disk: every node id in slot order, the same on all nodes")
        String[] slots() default {};

        @AttributeDefinition(name = "Direct I/O", description = "disk: auto (on block devices), true or false")
        String direct_io() default "auto";
    }

    private final HeartbeatRuntime runtime;
    private String name;

    @Activate
    public LinkComponent(@Reference HeartbeatRuntime runtime, Map<String, Object> props) {
        this.runtime = runtime;
        LinkConfig c = LinkConfig.parse(props);
        runtime.addLink(this, c);
        name = c.name();
    }

    @Modified
    void modified(Map<String, Object> props) {
        LinkConfig c = LinkConfig.parse(props);
        if (!c.name().equals(name)) {
            runtime.removeLink(this, name);
        }
        runtime.addLink(this, c);
        name = c.name();
    }

    @Deactivate
    void deactivate() {
        runtime.removeLink(this, name);
    }
}
