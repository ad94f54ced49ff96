package org.duplex.mirror.engine;

import java.util.Locale;

/** When the receiving leg acknowledges a replicated write (protocol C either way: the write has reached the peer). */
public enum PeerAck {
    /**
     * After the peer's write() returned (the data is in the peer's OS): survives the loss of either whole node
     * while the other stays up, and a SIGKILL of both processes. FUA writes and FLUSH are forced on the peer
     * before their ack. A peer that stops uncleanly with writes in flight (its in-flight log), or whose machine
     * restarted (its receive activity log: regions that may have missed the disk), marks itself Outdated until it
     * is resynced. Default.
     */
    WRITTEN,
    /** After the peer forced the write to its disk (one fsync per batch): also survives losing both nodes' power. */
    DURABLE;

    public static PeerAck parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer.ack: '" + s + "' is not one of written, durable");
        }
    }
}
