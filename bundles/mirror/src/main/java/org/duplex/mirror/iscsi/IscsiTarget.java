package org.duplex.mirror.iscsi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.iscsi.login.ChapSecrets;
import org.duplex.mirror.iscsi.scsi.PersistentReservations;

/**
 * A target this server offers: its IQN, the device behind its LUN 0, the CHAP credentials an initiator must
 * present (empty: no authentication), the lock all its sessions share to make COMPARE AND WRITE atomic, and its
 * persistent reservations (in memory: a restart or failover clears them).
 */
public record IscsiTarget(String iqn, String alias, BlockDevice device, Optional<ChapSecrets> chap,
                          ReadWriteLock atomicity, PersistentReservations reservations) {

    public IscsiTarget(String iqn, String alias, BlockDevice device, Optional<ChapSecrets> chap) {
        this(iqn, alias, device, chap, new ReentrantReadWriteLock(), new PersistentReservations());
    }

    public IscsiTarget {
        Objects.requireNonNull(atomicity, "atomicity");
        Objects.requireNonNull(reservations, "reservations");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(chap, "chap");
        Objects.requireNonNull(alias, "alias");
        validIqn(iqn);
    }

    /** RFC 3720 §3.2.6.3 names: "iqn.yyyy-mm.reversed.domain[:anything]" or "eui." + 16 hex digits. */
    public static String validIqn(String iqn) {
        Objects.requireNonNull(iqn, "iqn");
        if (!iqn.matches("iqn\\.\\d{4}-\\d{2}\\.[a-z0-9][a-z0-9.-]*(:[a-z0-9.:_-]*)?") && !iqn.matches("eui\\.[0-9A-F]{16}")
                || iqn.length() > 223) {
            throw new IllegalArgumentException("'" + iqn + "' is not an iSCSI name (expected e.g. "
                    + "iqn.2026-12.org.duplex:vol1: lower case, at most 223 characters)");
        }
        return iqn;
    }
}
