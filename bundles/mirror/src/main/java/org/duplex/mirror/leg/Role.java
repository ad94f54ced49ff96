package org.duplex.mirror.leg;

/** A leg's role: only the primary accepts application writes. */
public enum Role {
    PRIMARY, SECONDARY
}
