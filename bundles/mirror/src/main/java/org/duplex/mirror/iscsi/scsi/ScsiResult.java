package org.duplex.mirror.iscsi.scsi;

import java.util.Objects;

/**
 * The outcome of one SCSI command: status, sense data (fixed format, empty unless CHECK CONDITION) and the data for
 * the initiator (empty for commands without Data-In). {@code data} may be longer than the initiator's allocation
 * length or expected transfer length; the transport truncates and reports the residual.
 */
public record ScsiResult(int status, byte[] sense, byte[] data) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int RESERVATION_CONFLICT = 0x18;

    private static final byte[] NONE = new byte[0];

    public ScsiResult {
        Objects.requireNonNull(sense, "sense");
        Objects.requireNonNull(data, "data");
    }

    public static ScsiResult good() {
        return new ScsiResult(GOOD, NONE, NONE);
    }

    public static ScsiResult good(byte[] data) {
        return new ScsiResult(GOOD, NONE, data);
    }

    public static ScsiResult check(Sense s) {
        return new ScsiResult(CHECK_CONDITION, s.fixed(), NONE);
    }

    /** RESERVATION CONFLICT: another I_T nexus holds a persistent reservation that excludes this command. */
    public static ScsiResult conflict() {
        return new ScsiResult(RESERVATION_CONFLICT, NONE, NONE);
    }

    /** CHECK CONDITION with the INFORMATION field set (VALID bit): e.g. the offset of a miscompare. */
    public static ScsiResult check(Sense s, long information) {
        return new ScsiResult(CHECK_CONDITION, s.fixed(information), NONE);
    }

    public boolean ok() {
        return status == GOOD || status == CONDITION_MET;
    }
}
