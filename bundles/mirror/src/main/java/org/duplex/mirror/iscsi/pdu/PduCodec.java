package org.duplex.mirror.iscsi.pdu;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.zip.CRC32C;

/**
 * Reads and writes PDUs on a connection: header and data digests (CRC32C, sent least significant byte first as
 * libiscsi and Linux do), the 4-byte padding of AHS and data segments, and the strict checks of what an initiator
 * may send. The digest settings change once, at the end of login ({@link #digests}); until then there are none.
 */
public final class PduCodec {
    /** A data segment can never be longer than this on the wire (24-bit field). */
    public static final int MAX_WIRE_SEGMENT = 0xffffff;

    private static final byte[] NO_DATA = new byte[0];

    private final InputStream in;
    private final OutputStream out;
    /** The connection's channel under {@link #out} (null: streams only): large data segments go straight to it. */
    private final GatheringByteChannel channel;
    private volatile boolean headerDigest;
    private volatile boolean dataDigest;
    private volatile int maxRecvDataSegmentLength;

    /** @param maxRecvDataSegmentLength the largest data segment this side accepts (our declared value) */
    public PduCodec(InputStream in, OutputStream out, int maxRecvDataSegmentLength) {
        this(in, out, null, maxRecvDataSegmentLength);
    }

    /**
     * @param channel the channel {@code out} ends in (a socket's), or null: {@link #write(Pdu[], int[], ByteBuffer)}
     *                then flushes {@code out} and sends its PDUs in one gathering write, without copying the data
     */
    public PduCodec(InputStream in, OutputStream out, GatheringByteChannel channel, int maxRecvDataSegmentLength) {
        this.in = in;
        this.out = out;
        this.channel = channel;
        this.maxRecvDataSegmentLength = maxRecvDataSegmentLength;
    }

    public void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    public void maxRecvDataSegmentLength(int v) {
        this.maxRecvDataSegmentLength = v;
    }

    public int maxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    public static int crc32c(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    private static int padded(int n) {
        return (n + 3) & ~3;
    }

    /**
     * Where a PDU's data segment goes, decided from its (digest-checked) header: into a slice of the caller's array
     * (a write's buffer, saving a copy of every Data-Out), or, for {@code null}, a new array of its own. The data
     * is placed before its digest is checked: a caller that places must fail what the slice belonged to when the
     * read throws.
     */
    @FunctionalInterface
    public interface Placement {
        /** A slice of at least {@code length} bytes, or null for a new array. */
        Slot place(Pdu header, int length);
    }

    /** A slice of an array: {@code array[offset .. offset + length)}. */
    public record Slot(byte[] array, int offset) {
    }

    /** True when bytes of a next PDU have arrived already (the caller may delay its flush until they are read). */
    public boolean inputPending() throws IOException {
        return in.available() > 0;
    }

    /**
     * Reads one PDU. EOF before the first byte is an {@link EOFException}; anything unacceptable is a
     * {@link PduException} saying whether the connection can go on.
     */
    public Pdu read() throws IOException {
        return read(null);
    }

    /**
     * Reads one PDU, its data segment where {@code placement} says. A placed PDU's {@link Pdu#data()} is empty and
     * its length is the header's DataSegmentLength.
     */
    public Pdu read(Placement placement) throws IOException {
        byte[] bhs = new byte[Pdu.BHS_LENGTH];
        readFully(bhs, 0, bhs.length);
        Pdu header = new Pdu(bhs, new byte[0], new byte[0]);
        int ahsLen = header.totalAhsLength();
        byte[] ahs = new byte[ahsLen];
        readFully(ahs, 0, ahsLen);
        if (headerDigest) {
            int got = readDigest();
            CRC32C c = new CRC32C();
            c.update(bhs);
            c.update(ahs);
            if ((int) c.getValue() != got) {
                // the lengths cannot be trusted: no way to find the next PDU (§7.8)
                throw PduException.drop("header digest error");
            }
        }
        int len = header.dataSegmentLength();
        if (len > maxRecvDataSegmentLength) {
            throw PduException.rejectAndDrop(Opcode.REJECT_PROTOCOL_ERROR, header, "data segment of " + len
                    + " bytes exceeds MaxRecvDataSegmentLength " + maxRecvDataSegmentLength);
        }
        Slot slot = placement != null && len > 0 && Opcode.fromInitiator(header.opcode())
                ? placement.place(header, len) : null;
        byte[] data = slot == null ? new byte[len] : NO_DATA;
        byte[] into = slot == null ? data : slot.array();
        int at = slot == null ? 0 : slot.offset();
        readFully(into, at, len);
        int pad = padded(len) - len;
        byte[] padding = new byte[pad];
        readFully(padding, 0, pad);
        if (dataDigest && len > 0) {
            int got = readDigest();
            CRC32C c = new CRC32C();
            c.update(into, at, len);
            c.update(padding);
            if ((int) c.getValue() != got) {
                throw PduException.reject(Opcode.REJECT_DATA_DIGEST, header, "data digest error");
            }
        }
        Pdu p = new Pdu(bhs, ahs, data);
        validateAhs(p);
        if (!Opcode.fromInitiator(p.opcode())) {
            throw PduException.reject(Opcode.REJECT_PROTOCOL_ERROR, p,
                    String.format("opcode 0x%02x is not an initiator opcode", p.opcode()));
        }
        return p;
    }

    /** Each AHS: 2-byte length (of the specific part), 1-byte type, then length+1 bytes, padded to 4 (§11.2.2). */
    private static void validateAhs(Pdu p) throws PduException {
        byte[] a = p.ahs();
        int off = 0;
        while (off < a.length) {
            if (a.length - off < 4) {
                throw PduException.reject(Opcode.REJECT_INVALID_PDU_FIELD, p, "truncated AHS");
            }
            int len = ((a[off] & 0xff) << 8) | (a[off + 1] & 0xff);
            int type = a[off + 2] & 0x3f;
            if (type != 1 && type != 2) {
                throw PduException.reject(Opcode.REJECT_INVALID_PDU_FIELD, p, "unknown AHS type " + type);
            }
            int total = padded(3 + len);
            if (len == 0 || total > a.length - off) {
                throw PduException.reject(Opcode.REJECT_INVALID_PDU_FIELD, p, "AHS length " + len
                        + " beyond TotalAHSLength");
            }
            off += total;
        }
    }

    private int readDigest() throws IOException {
        byte[] d = new byte[4];
        readFully(d, 0, 4);
        return (d[0] & 0xff) | ((d[1] & 0xff) << 8) | ((d[2] & 0xff) << 16) | ((d[3] & 0xff) << 24);
    }

    private static void putDigest(byte[] a, int off, int crc) {
        a[off] = (byte) crc;
        a[off + 1] = (byte) (crc >>> 8);
        a[off + 2] = (byte) (crc >>> 16);
        a[off + 3] = (byte) (crc >>> 24);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException(done == 0 && off == 0 && b.length == Pdu.BHS_LENGTH
                        ? "connection closed" : "connection closed inside a PDU");
            }
            done += n;
        }
    }

    /** Encodes a PDU as it goes on the wire with the current digest settings. */
    public byte[] encode(Pdu p) {
        return encode(p, headerDigest, dataDigest);
    }

    public static byte[] encode(Pdu p, boolean headerDigest, boolean dataDigest) {
        p.u8(4, p.ahs().length / 4);
        p.u24(5, p.data().length);
        int hlen = Pdu.BHS_LENGTH + p.ahs().length;
        int dlen = padded(p.data().length);
        int total = hlen + (headerDigest ? 4 : 0) + dlen + (dataDigest && dlen > 0 ? 4 : 0);
        byte[] w = new byte[total];
        System.arraycopy(p.bhs(), 0, w, 0, Pdu.BHS_LENGTH);
        System.arraycopy(p.ahs(), 0, w, Pdu.BHS_LENGTH, p.ahs().length);
        int off = hlen;
        if (headerDigest) {
            putDigest(w, off, crc32c(w, 0, hlen));
            off += 4;
        }
        System.arraycopy(p.data(), 0, w, off, p.data().length);
        if (dataDigest && dlen > 0) {
            putDigest(w, off + dlen, crc32c(w, off, dlen));
        }
        return w;
    }

    /** Writes without flushing (the caller flushes when it has nothing more to send now). */
    public void write(Pdu p) throws IOException {
        out.write(encode(p));
    }

    /**
     * Writes a header-only PDU with {@code data[off .. off + len)} as its data segment, without copying the data
     * (Data-In of a large read): header, header digest, the slice, padding, data digest.
     */
    public void write(Pdu header, byte[] data, int off, int len) throws IOException {
        if (header.data().length != 0) {
            throw new IllegalArgumentException("the header PDU must not carry data of its own");
        }
        header.u8(4, header.ahs().length / 4);
        header.u24(5, len);
        int hlen = Pdu.BHS_LENGTH + header.ahs().length;
        byte[] h = new byte[hlen + (headerDigest ? 4 : 0)];
        System.arraycopy(header.bhs(), 0, h, 0, Pdu.BHS_LENGTH);
        System.arraycopy(header.ahs(), 0, h, Pdu.BHS_LENGTH, header.ahs().length);
        if (headerDigest) {
            putDigest(h, hlen, crc32c(h, 0, hlen));
        }
        out.write(h);
        out.write(data, off, len);
        int pad = padded(len) - len;
        byte[] tail = new byte[pad + (dataDigest && len > 0 ? 4 : 0)];
        if (dataDigest && len > 0) {
            CRC32C c = new CRC32C();
            c.update(data, off, len);
            c.update(tail, 0, pad);
            putDigest(tail, pad, (int) c.getValue());
        }
        if (tail.length > 0) {
            out.write(tail);
        }
    }

    /**
     * Writes header-only PDUs whose data segments are consecutive slices of {@code data} (from its position; header
     * {@code i} gets the next {@code lengths[i]} bytes): the Data-In of a large READ read into a direct buffer. With
     * a channel, whatever {@code out} holds is flushed, then every header, slice, padding and digest goes in one
     * gathering write (no copy of the data on the Java heap); without one, copied through {@code out}. Either way
     * the caller may reuse {@code data} once this returns. {@code data}'s position is not moved.
     */
    public void write(Pdu[] headers, int[] lengths, ByteBuffer data) throws IOException {
        ByteBuffer[] parts = new ByteBuffer[headers.length * 3];
        int n = 0;
        int at = data.position();
        for (int i = 0; i < headers.length; i++) {
            Pdu header = headers[i];
            int len = lengths[i];
            if (header.data().length != 0) {
                throw new IllegalArgumentException("the header PDU must not carry data of its own");
            }
            header.u8(4, header.ahs().length / 4);
            header.u24(5, len);
            int hlen = Pdu.BHS_LENGTH + header.ahs().length;
            byte[] h = new byte[hlen + (headerDigest ? 4 : 0)];
            System.arraycopy(header.bhs(), 0, h, 0, Pdu.BHS_LENGTH);
            System.arraycopy(header.ahs(), 0, h, Pdu.BHS_LENGTH, header.ahs().length);
            if (headerDigest) {
                putDigest(h, hlen, crc32c(h, 0, hlen));
            }
            ByteBuffer slice = data.slice(at, len);
            at += len;
            int pad = padded(len) - len;
            byte[] tail = new byte[pad + (dataDigest && len > 0 ? 4 : 0)];
            if (dataDigest && len > 0) {
                CRC32C c = new CRC32C();
                c.update(slice.duplicate());
                c.update(tail, 0, pad);
                putDigest(tail, pad, (int) c.getValue());
            }
            parts[n++] = ByteBuffer.wrap(h);
            parts[n++] = slice;
            parts[n++] = ByteBuffer.wrap(tail);
        }
        if (channel == null) {
            byte[] chunk = new byte[64 * 1024];
            for (ByteBuffer b : parts) {
                while (b.hasRemaining()) {
                    int k = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, k);
                    out.write(chunk, 0, k);
                }
            }
            return;
        }
        out.flush();
        long left = 0;
        for (ByteBuffer b : parts) {
            left += b.remaining();
        }
        int first = 0;
        while (left > 0) {
            long w = channel.write(parts, first, n - first);
            left -= w;
            while (first < n && !parts[first].hasRemaining()) {
                first++;
            }
        }
    }

    public void flush() throws IOException {
        out.flush();
    }
}
