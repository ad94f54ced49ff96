package org.duplex.mirror.iscsi.scsi;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The outcome of one SCSI command: status, sense data (fixed format, empty unless CHECK CONDITION) and the data for
 * the initiator (empty for commands without Data-In). {@code data} may be longer than the initiator's allocation
 * length or expected transfer length; the transport truncates and reports the residual.
 * <p>
 * {@code buffered}, when not null, holds the data instead of {@code data} (then empty): a READ's blocks in the
 * caller's reusable buffer (see {@link ScsiLogicalUnit#execute(long, byte[], byte[], java.util.function.IntFunction)}),
 * valid until the caller reuses that buffer.
 */
public record ScsiResult(int status, byte[] sense, byte[] data, ByteBuffer buffered) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int RESERVATION_CONFLICT = 0x18;

    private static final byte[] NONE = new byte[0];

    public ScsiResult {
        Objects.requireNonNull(sense, "sense");
        Objects.requireNonNull(data, "data");
        if (buffered != null && data.length > 0) {
            throw new IllegalArgumentException("data both in an array and in a buffer");
        }
    }

    public ScsiResult(int status, byte[] sense, byte[] data) {
        this(status, sense, data, null);
    }

    /** GOOD with the data in {@code buffered} (position 0 to its limit). */
    public static ScsiResult good(ByteBuffer buffered) {
        return new ScsiResult(GOOD, NONE, NONE, Objects.requireNonNull(buffered, "buffered"));
    }

    /** Bytes of data for the initiator, wherever they are. */
    public int dataLength() {
        return buffered != null ? buffered.remaining() : data.length;
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
