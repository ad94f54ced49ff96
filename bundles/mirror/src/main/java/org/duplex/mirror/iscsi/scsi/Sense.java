package org.duplex.mirror.iscsi.scsi;

/** Sense key and additional sense code / qualifier (SPC-4 §4.5), with the ones this target reports. */
public record Sense(int key, int asc, int ascq) {
    public static final int NO_SENSE = 0x0;
    public static final int NOT_READY = 0x2;
    public static final int MEDIUM_ERROR = 0x3;
    public static final int HARDWARE_ERROR = 0x4;
    public static final int ILLEGAL_REQUEST = 0x5;
    public static final int UNIT_ATTENTION = 0x6;
    public static final int DATA_PROTECT = 0x7;
    public static final int ABORTED_COMMAND = 0xb;
    public static final int MISCOMPARE = 0xe;

    public static final Sense INVALID_OPCODE = new Sense(ILLEGAL_REQUEST, 0x20, 0x00);
    public static final Sense LBA_OUT_OF_RANGE = new Sense(ILLEGAL_REQUEST, 0x21, 0x00);
    public static final Sense INVALID_FIELD_IN_INFORMATION_UNIT = new Sense(ILLEGAL_REQUEST, 0x0e, 0x03);
    public static final Sense INVALID_FIELD_IN_CDB = new Sense(ILLEGAL_REQUEST, 0x24, 0x00);
    public static final Sense LUN_NOT_SUPPORTED = new Sense(ILLEGAL_REQUEST, 0x25, 0x00);
    public static final Sense INVALID_FIELD_IN_PARAMETER_LIST = new Sense(ILLEGAL_REQUEST, 0x26, 0x00);
    public static final Sense PARAMETER_LIST_LENGTH_ERROR = new Sense(ILLEGAL_REQUEST, 0x1a, 0x00);
    public static final Sense INVALID_RELEASE_OF_PERSISTENT_RESERVATION = new Sense(ILLEGAL_REQUEST, 0x26, 0x04);
    public static final Sense SAVING_PARAMETERS_NOT_SUPPORTED = new Sense(ILLEGAL_REQUEST, 0x39, 0x00);
    /** LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE: a secondary; go to the primary. */
    public static final Sense STANDBY = new Sense(NOT_READY, 0x04, 0x0b);
    /** LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION: retry (a failover is under way). */
    public static final Sense TRANSITIONING = new Sense(NOT_READY, 0x04, 0x0a);
    public static final Sense NOT_READY_CAUSE_NOT_REPORTABLE = new Sense(NOT_READY, 0x04, 0x00);
    public static final Sense WRITE_PROTECTED = new Sense(DATA_PROTECT, 0x27, 0x00);
    public static final Sense SPACE_ALLOCATION_FAILED = new Sense(DATA_PROTECT, 0x27, 0x07);
    /** ABORTED COMMAND is retried by initiators (Linux: NEEDS_RETRY), never taken as success. */
    public static final Sense WRITE_ERROR_RETRYABLE = new Sense(ABORTED_COMMAND, 0x0c, 0x00);
    public static final Sense READ_ERROR_RETRYABLE = new Sense(ABORTED_COMMAND, 0x11, 0x00);
    public static final Sense INTERNAL_TARGET_FAILURE = new Sense(HARDWARE_ERROR, 0x44, 0x00);
    public static final Sense MISCOMPARE_DURING_VERIFY = new Sense(MISCOMPARE, 0x1d, 0x00);
    /** PROTOCOL SERVICE CRC ERROR: a Data-Out failed its digest; the command did not run. */
    public static final Sense CRC_ERROR = new Sense(ABORTED_COMMAND, 0x47, 0x05);
    public static final Sense NO_ADDITIONAL = new Sense(NO_SENSE, 0x00, 0x00);

    /** Fixed-format sense data, 18 bytes (SPC-4 §4.5.3). */
    public byte[] fixed() {
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[2] = (byte) key;
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    /** Fixed-format sense data with the VALID bit and a 32-bit INFORMATION field (bytes 3-6). */
    public byte[] fixed(long information) {
        byte[] s = fixed();
        s[0] = (byte) 0xf0;
        s[3] = (byte) (information >>> 24);
        s[4] = (byte) (information >>> 16);
        s[5] = (byte) (information >>> 8);
        s[6] = (byte) information;
        return s;
    }

    /** Descriptor-format sense data without descriptors, 8 bytes (SPC-4 §4.5.2). */
    public byte[] descriptor() {
        byte[] s = new byte[8];
        s[0] = 0x72;
        s[1] = (byte) key;
        s[2] = (byte) asc;
        s[3] = (byte) ascq;
        return s;
    }
}
