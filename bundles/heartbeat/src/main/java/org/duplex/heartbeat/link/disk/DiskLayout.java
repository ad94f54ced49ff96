package org.duplex.heartbeat.link.disk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The on-disk layout of a shared heartbeat device (documented byte by byte in the module README).
 *
 * <pre>
 * header, 4096 bytes at offset 0 (big-endian):
 *      0   8  magic "DPLXHBD1"
 *      8   2  layout version = 1
 *     10   2  reserved, 0
 *     12   4  slot size in bytes (multiple of 512)
 *     16   4  node count (number of slots)
 *     20   4  offset of slot 0 = 4096
 *     24   1  cluster name length N (1..63)
 *     25  63  cluster name, ASCII, zero padded
 *     88   8  creation time, epoch ms
 *     96 3996 zero
 *   4092   4  CRC-32 of bytes 0..4091
 * slot i at 4096 + i * slot size:
 *      0   2  frame length L (0 = never written)
 *      2   L  the heartbeat frame (same format and HMAC as on the network, digest payload)
 *    2+L   .  zero
 * </pre>
 */
public record DiskLayout(String cluster, int slotSize, int nodeCount, long createdAt) {

    public static final int HEADER_SIZE = 4096;
    public static final int VERSION = 1;
    static final byte[] MAGIC = "DPLXHBD1".getBytes(StandardCharsets.US_ASCII);

    public long slotOffset(int slot) {
        return HEADER_SIZE + (long) slot * slotSize;
    }

    public long totalSize() {
        return slotOffset(nodeCount);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(slotSize).putInt(nodeCount)
                .putInt(HEADER_SIZE);
        byte[] name = cluster.getBytes(StandardCharsets.US_ASCII);
        b.put((byte) name.length).put(name);
        b.position(88);
        b.putLong(createdAt);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, HEADER_SIZE - 4);
        b.putInt(HEADER_SIZE - 4, (int) crc.getValue());
        return b.array();
    }

    /** What the first 4096 bytes of a device hold. */
    public sealed interface Probe {
        record Empty() implements Probe {
        }

        record Valid(DiskLayout layout) implements Probe {
        }

        record Foreign(String why) implements Probe {
        }
    }

    public static Probe probe(byte[] header) {
        if (header.length < HEADER_SIZE) {
            return new Probe.Foreign("shorter than the 4096-byte header");
        }
        boolean zero = true;
        for (int i = 0; i < HEADER_SIZE && zero; i++) {
            zero = header[i] == 0;
        }
        if (zero) {
            return new Probe.Empty();
        }
        ByteBuffer b = ByteBuffer.wrap(header, 0, HEADER_SIZE);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return new Probe.Foreign("no Duplex heartbeat magic \"DPLXHBD1\" in its first bytes (it holds other data)");
        }
        CRC32 crc = new CRC32();
        crc.update(header, 0, HEADER_SIZE - 4);
        if ((int) crc.getValue() != b.getInt(HEADER_SIZE - 4)) {
            return new Probe.Foreign("its header checksum is wrong (corrupt header)");
        }
        int version = b.getShort() & 0xffff;
        if (version != VERSION) {
            return new Probe.Foreign("its layout version " + version + " is not supported (this node writes "
                    + VERSION + ")");
        }
        b.getShort();
        int slotSize = b.getInt();
        int nodeCount = b.getInt();
        b.getInt();
        int n = b.get() & 0xff;
        if (n < 1 || n > 63) {
            return new Probe.Foreign("its cluster name length " + n + " is invalid");
        }
        byte[] name = new byte[n];
        b.get(name);
        long created = b.getLong(88);
        return new Probe.Valid(new DiskLayout(new String(name, StandardCharsets.US_ASCII), slotSize, nodeCount,
                created));
    }
}
