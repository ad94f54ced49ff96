package org.duplex.mirror.replication;

/** Frame types of the replication protocol, version {@link Frame#VERSION}. */
public final class FrameType {
    private FrameType() {
    }

    public static final int HELLO = 1;
    public static final int BITMAP = 2;
    public static final int WRITE = 3;
    public static final int WRITE_ACK = 4;
    public static final int FLUSH = 5;
    public static final int FLUSH_ACK = 6;
    public static final int ZERO = 7;
    public static final int RESYNC_DATA = 8;
    public static final int RESYNC_ACK = 9;
    public static final int RESYNC_DONE = 10;
    public static final int CHECKSUM_REQ = 11;
    public static final int CHECKSUM_REPLY = 12;
    public static final int READ_REQ = 13;
    public static final int READ_DATA = 14;
    public static final int PING = 15;
    public static final int PONG = 16;
    public static final int ROLE = 17;
    /** Fencing path (separate connection): nonce exchange, outdate request, its result. */
    public static final int FENCE_HELLO = 18;
    public static final int FENCE_OUTDATE = 19;
    public static final int FENCE_RESULT = 20;
    public static final int MAX = 20;

    public static String name(int type) {
        switch (type) {
            case HELLO: return "HELLO";
            case BITMAP: return "BITMAP";
            case WRITE: return "WRITE";
            case WRITE_ACK: return "WRITE_ACK";
            case FLUSH: return "FLUSH";
            case FLUSH_ACK: return "FLUSH_ACK";
            case ZERO: return "ZERO";
            case RESYNC_DATA: return "RESYNC_DATA";
            case RESYNC_ACK: return "RESYNC_ACK";
            case RESYNC_DONE: return "RESYNC_DONE";
            case CHECKSUM_REQ: return "CHECKSUM_REQ";
            case CHECKSUM_REPLY: return "CHECKSUM_REPLY";
            case READ_REQ: return "READ_REQ";
            case READ_DATA: return "READ_DATA";
            case PING: return "PING";
            case PONG: return "PONG";
            case ROLE: return "ROLE";
            case FENCE_HELLO: return "FENCE_HELLO";
            case FENCE_OUTDATE: return "FENCE_OUTDATE";
            case FENCE_RESULT: return "FENCE_RESULT";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
