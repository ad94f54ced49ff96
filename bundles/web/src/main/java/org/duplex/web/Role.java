package org.duplex.web;

import java.util.Collection;
import java.util.Optional;

/**
 * What a REST user may do. Mapped from the JAAS roles of the karaf realm, the same ones the shell's command ACL
 * (etc/org.apache.karaf.command.acl.ha.cfg) checks: {@code admin} (Karaf's admin role), {@code operator}
 * (group duplex-operator in etc/users.properties), {@code viewer} (group duplex-viewer).
 */
public enum Role {
    /** Read only. */
    VIEWER,
    /** Switchover, standby/online, cleanup, and everything a viewer may. */
    OPERATOR,
    /** Everything. */
    ADMIN;

    /** The strongest Duplex role among the JAAS roles, if any. */
    public static Optional<Role> of(Collection<String> jaasRoles) {
        if (jaasRoles.contains("admin")) {
            return Optional.of(ADMIN);
        }
        if (jaasRoles.contains("operator")) {
            return Optional.of(OPERATOR);
        }
        if (jaasRoles.contains("viewer")) {
            return Optional.of(VIEWER);
        }
        return Optional.empty();
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String word() {
        return name().toLowerCase();
    }
}
