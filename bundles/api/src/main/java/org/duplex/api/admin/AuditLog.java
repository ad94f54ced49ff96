package org.duplex.api.admin;

import java.util.List;

/** The node's audit log: persisted under data/, bounded, surviving restarts. */
public interface AuditLog {

    /** Appends an entry; never throws (a failed write is logged). */
    void record(AuditEntry entry);

    /** The latest {@code last} entries, oldest first. */
    List<AuditEntry> last(int last);
}
