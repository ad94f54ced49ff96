package org.duplex.heartbeat.link;

import java.io.IOException;

/**
 * One configured heartbeat link instance. The node calls {@link #send} from the link's own sender thread once per
 * interval; received bytes go to the {@link LinkContext} from the link's own receiver thread(s).
 */
public interface Link extends AutoCloseable {

    LinkConfig config();

    /** Opens sockets or devices and starts receiving. The message of the exception tells the operator why not. */
    void start(LinkContext context) throws IOException;

    /** Sends one encoded frame to every peer of this link. Never blocks for long; failures are handled inside. */
    void send(byte[] frame);

    /** One line for ha:links: what the link is doing ("bound 127.0.0.1:7400", "device /dev/ttyS0 open"). */
    String describe();

    @Override
    void close();
}
