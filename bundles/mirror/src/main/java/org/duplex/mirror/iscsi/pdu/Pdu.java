package org.duplex.mirror.iscsi.pdu;

import java.util.Arrays;
import java.util.Objects;

/**
 * One iSCSI PDU: the 48-byte basic header segment, the additional header segments (a multiple of 4 bytes) and the
 * data segment (unpadded). The arrays are owned by the PDU; the accessors read the fields common to all opcodes
 * (RFC 7143 §11.2).
 */
public record Pdu(byte[] bhs, byte[] ahs, byte[] data) {
    public static final int BHS_LENGTH = 48;

    public Pdu {
        Objects.requireNonNull(bhs, "bhs");
        Objects.requireNonNull(ahs, "ahs");
        Objects.requireNonNull(data, "data");
        if (bhs.length != BHS_LENGTH) {
            throw new IllegalArgumentException("BHS must be 48 bytes, was " + bhs.length);
        }
        if (ahs.length % 4 != 0 || ahs.length > 255 * 4) {
            throw new IllegalArgumentException("AHS must be a multiple of 4 bytes up to 1020, was " + ahs.length);
        }
        if (data.length > 0xffffff) {
            throw new IllegalArgumentException("data segment too long: " + data.length);
        }
    }

    /** A PDU whose header fields the caller fills in with the setters; the length fields are set here. */
    public static Pdu of(int opcode, byte[] data) {
        byte[] bhs = new byte[BHS_LENGTH];
        bhs[0] = (byte) (opcode & 0x3f);
        Pdu p = new Pdu(bhs, new byte[0], data);
        p.u24(5, data.length);
        return p;
    }

    public int opcode() {
        return bhs[0] & 0x3f;
    }

    /** The I bit: an immediate command (does not advance CmdSN). */
    public boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    public int flags() {
        return bhs[1] & 0xff;
    }

    /** The F (final) bit of most opcodes. */
    public boolean finalBit() {
        return (bhs[1] & 0x80) != 0;
    }

    public int totalAhsLength() {
        return (bhs[4] & 0xff) * 4;
    }

    public int dataSegmentLength() {
        return u24(5);
    }

    public long lun() {
        return u64(8);
    }

    public int itt() {
        return u32(16);
    }

    public int u8(int off) {
        return bhs[off] & 0xff;
    }

    public int u16(int off) {
        return ((bhs[off] & 0xff) << 8) | (bhs[off + 1] & 0xff);
    }

    public int u24(int off) {
        return ((bhs[off] & 0xff) << 16) | ((bhs[off + 1] & 0xff) << 8) | (bhs[off + 2] & 0xff);
    }

    public int u32(int off) {
        return ((bhs[off] & 0xff) << 24) | ((bhs[off + 1] & 0xff) << 16) | ((bhs[off + 2] & 0xff) << 8)
                | (bhs[off + 3] & 0xff);
    }

    public long u64(int off) {
        return ((long) u32(off) << 32) | (u32(off + 4) & 0xffffffffL);
    }

    public Pdu u8(int off, int v) {
        bhs[off] = (byte) v;
        return this;
    }

    public Pdu u16(int off, int v) {
        bhs[off] = (byte) (v >>> 8);
        bhs[off + 1] = (byte) v;
        return this;
    }

    public Pdu u24(int off, int v) {
        bhs[off] = (byte) (v >>> 16);
        bhs[off + 1] = (byte) (v >>> 8);
        bhs[off + 2] = (byte) v;
        return this;
    }

    public Pdu u32(int off, int v) {
        bhs[off] = (byte) (v >>> 24);
        bhs[off + 1] = (byte) (v >>> 16);
        bhs[off + 2] = (byte) (v >>> 8);
        bhs[off + 3] = (byte) v;
        return this;
    }

    public Pdu u64(int off, long v) {
        u32(off, (int) (v >>> 32));
        return u32(off + 4, (int) v);
    }

    /** A copy of bytes [from, to) of the BHS. */
    public byte[] bhsRange(int from, int to) {
        return Arrays.copyOfRange(bhs, from, to);
    }

    @Override
    public String toString() {
        return String.format("Pdu[op=0x%02x flags=0x%02x itt=0x%08x ahs=%d data=%d]", opcode(), flags(), itt(),
                ahs.length, data.length);
    }
}
