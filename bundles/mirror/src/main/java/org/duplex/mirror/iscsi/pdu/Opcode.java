package org.duplex.mirror.iscsi.pdu;

/** iSCSI opcodes (RFC 7143 §11.2.1.2) and the values this target uses in fixed header fields. */
public final class Opcode {
    private Opcode() {
    }

    // initiator -> target
    public static final int NOP_OUT = 0x00;
    public static final int SCSI_COMMAND = 0x01;
    public static final int TASK_MGMT_REQUEST = 0x02;
    public static final int LOGIN_REQUEST = 0x03;
    public static final int TEXT_REQUEST = 0x04;
    public static final int DATA_OUT = 0x05;
    public static final int LOGOUT_REQUEST = 0x06;
    public static final int SNACK = 0x10;
    // target -> initiator
    public static final int NOP_IN = 0x20;
    public static final int SCSI_RESPONSE = 0x21;
    public static final int TASK_MGMT_RESPONSE = 0x22;
    public static final int LOGIN_RESPONSE = 0x23;
    public static final int TEXT_RESPONSE = 0x24;
    public static final int DATA_IN = 0x25;
    public static final int LOGOUT_RESPONSE = 0x26;
    public static final int R2T = 0x31;
    public static final int ASYNC_MESSAGE = 0x32;
    public static final int REJECT = 0x3f;

    /** The reserved tag: "no task" in ITT / TTT fields. */
    public static final int RESERVED_TAG = 0xffffffff;

    // Reject reasons (§11.17.1)
    public static final int REJECT_DATA_DIGEST = 0x02;
    public static final int REJECT_SNACK = 0x03;
    public static final int REJECT_PROTOCOL_ERROR = 0x04;
    public static final int REJECT_COMMAND_NOT_SUPPORTED = 0x05;
    public static final int REJECT_INVALID_PDU_FIELD = 0x09;

    /** True for the opcodes an initiator may send. */
    public static boolean fromInitiator(int opcode) {
        return opcode <= LOGOUT_REQUEST || opcode == SNACK;
    }
}
