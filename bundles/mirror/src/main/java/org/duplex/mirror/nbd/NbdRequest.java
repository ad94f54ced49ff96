package org.duplex.mirror.nbd;

/** One transmission-phase request header as read from the wire (values unchecked). */
public record NbdRequest(int flags, int type, long handle, long offset, long length) {

    public boolean fua() {
        return (flags & Nbd.CMD_FLAG_FUA) != 0;
    }

    public boolean hasPayload() {
        return type == Nbd.CMD_WRITE;
    }
}
