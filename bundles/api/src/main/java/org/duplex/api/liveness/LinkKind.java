package org.duplex.api.liveness;

/** The medium of a heartbeat link. Serial and disk links survive a cut network, which is why they exist. */
public enum LinkKind {
    UDP,
    TCP,
    SERIAL,
    DISK;

    /** True for links that do not depend on the IP network. */
    public boolean isOutOfBand() {
        return this == SERIAL || this == DISK;
    }
}
