package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import org.duplex.api.model.NodeId;

/**
 * A lease record in one 4096-byte block at a configured offset of a file or block device shared by both nodes
 * (the disk heartbeat area). Every write is followed by a forced flush; every record carries a CRC so a torn
 * write reads as an error, never as a valid lease.
 */
public final class FileLeaseStore implements LeaseStore {

    static final int BLOCK = 4096;
    private static final byte[] MAGIC = "DPXLEASE".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;

    private final Path path;
    private final long offset;

    public FileLeaseStore(Path path, long offset) {
        if (offset < 0 || offset % 512 != 0) {
            throw new IllegalArgumentException("lease offset must be a non-negative multiple of 512, was " + offset);
        }
        this.path = path;
        this.offset = offset;
    }

    @Override
    public Optional<LeaseRecord> read() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        if (!java.nio.file.Files.exists(path)) {
            return Optional.empty(); // a lease file on shared storage not created yet: nobody ever held it
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
        }
        buf.flip();
        if (buf.remaining() < MAGIC.length + 4) {
            return Optional.empty();
        }
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return Optional.empty();
        }
        int format = buf.getInt();
        if (format != FORMAT) {
            throw new IOException("lease block at " + path + "@" + offset + " has unknown format " + format);
        }
        int len = buf.getInt();
        if (len < 0 || len > BLOCK - 32) {
            throw new IOException("lease block at " + path + "@" + offset + " is corrupt (length " + len + ")");
        }
        byte[] body = new byte[len];
        buf.get(body);
        long crc = buf.getLong();
        CRC32 c = new CRC32();
        c.update(body);
        if (c.getValue() != crc) {
            throw new IOException("lease block at " + path + "@" + offset + " failed its checksum (torn write?)");
        }
        String[] parts = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 4) {
            throw new IOException("lease block at " + path + "@" + offset + " is corrupt");
        }
        Set<NodeId> members = new LinkedHashSet<>();
        for (String m : parts[2].split(",")) {
            if (!m.isEmpty()) {
                members.add(NodeId.of(m));
            }
        }
        return Optional.of(new LeaseRecord(NodeId.of(parts[0]), Long.parseLong(parts[1]), members,
                Long.parseLong(parts[3])));
    }

    @Override
    public void write(LeaseRecord record) throws IOException {
        byte[] body = (record.holder().value() + "\n" + record.counter() + "\n"
                + record.members().stream().map(NodeId::value).sorted().collect(Collectors.joining(",")) + "\n" + record.epoch())
                .getBytes(StandardCharsets.UTF_8);
        if (body.length > BLOCK - 32) {
            throw new IOException("lease record too large: " + body.length + " bytes");
        }
        CRC32 c = new CRC32();
        c.update(body);
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        buf.put(MAGIC).putInt(FORMAT).putInt(body.length).put(body).putLong(c.getValue());
        buf.position(BLOCK);
        buf.flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            while (buf.hasRemaining()) {
                ch.write(buf, offset + buf.position());
            }
            ch.force(false);
        }
    }

    @Override
    public String toString() {
        return path + "@" + offset;
    }
}
