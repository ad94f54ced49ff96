package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.PduCodec;

/** Splits a target's output into PDUs and checks each: a target opcode, digests right, nothing left over. */
final class PduCodecTargetSide {
    private PduCodecTargetSide() {
    }

    static void assertWellFormed(byte[] out, boolean digestsAfterLogin, String what) {
        int off = 0;
        boolean first = true;
        while (off < out.length) {
            assertThat(out.length - off).as(what + ": truncated header").isGreaterThanOrEqualTo(48);
            int op = out[off] & 0x3f;
            assertThat(op).as(what + ": target opcode").isIn(Opcode.NOP_IN, Opcode.SCSI_RESPONSE,
                    Opcode.TASK_MGMT_RESPONSE, Opcode.LOGIN_RESPONSE, Opcode.TEXT_RESPONSE, Opcode.DATA_IN,
                    Opcode.LOGOUT_RESPONSE, Opcode.R2T, Opcode.REJECT);
            boolean d = digestsAfterLogin && !first;
            int ahs = (out[off + 4] & 0xff) * 4;
            int len = ((out[off + 5] & 0xff) << 16) | ((out[off + 6] & 0xff) << 8) | (out[off + 7] & 0xff);
            int h = 48 + ahs;
            if (d) {
                int crc = PduCodec.crc32c(out, off, h);
                int got = (out[off + h] & 0xff) | ((out[off + h + 1] & 0xff) << 8) | ((out[off + h + 2] & 0xff) << 16)
                        | ((out[off + h + 3] & 0xff) << 24);
                assertThat(got).as(what + ": header digest").isEqualTo(crc);
                h += 4;
            }
            int padded = (len + 3) & ~3;
            off += h + padded + (d && len > 0 ? 4 : 0);
            first = false;
        }
        assertThat(off).as(what + ": trailing bytes").isEqualTo(out.length);
    }
}
