package org.duplex.heartbeat.node;

import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.disk.DiskLink;
import org.duplex.heartbeat.link.serial.SerialLink;
import org.duplex.heartbeat.link.tcp.TcpLink;
import org.duplex.heartbeat.link.udp.UdpLink;

/** Creates the link implementation for a configuration. */
@FunctionalInterface
public interface LinkFactory {

    Link create(LinkConfig config, NodeId self, String cluster);

    LinkFactory DEFAULT = (config, self, cluster) -> switch (config.type()) {
        case UDP -> new UdpLink(config);
        case TCP -> new TcpLink(config);
        case SERIAL -> new SerialLink(config);
        case DISK -> new DiskLink(config, self, cluster);
    };
}
