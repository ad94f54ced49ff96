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
 * write reads as an error, never as a valid lease. I/O uses O_DIRECT where the file system supports it: on a
 * shared block device a cached read could return this host's stale copy instead of the peer's latest write.
 */
public final class FileLeaseStore implements LeaseStore {

    static final int BLOCK = 4096;
    private static final byte[] MAGIC = "DPXLEASE".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;

    private final Path path;
    private final long offset;
    private volatile boolean direct = DIRECT != null;

    private static final java.nio.file.OpenOption DIRECT = directOption();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static java.nio.file.OpenOption directOption() {
        try {
            Class<? extends Enum> c = (Class<? extends Enum>) ClassLoader.getPlatformClassLoader()
                    .loadClass("com.sun.nio.file.ExtendedOpenOption");
            return (java.nio.file.OpenOption) Enum.valueOf(c, "DIRECT");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** True while reads and writes bypass the page cache (O_DIRECT). */
    public boolean isDirect() {
        return direct;
    }

    private FileChannel open(StandardOpenOption... options) throws IOException {
        if (direct) {
            java.util.Set<java.nio.file.OpenOption> set = new java.util.HashSet<>(java.util.List.of(options));
            set.add(DIRECT);
            try {
                return FileChannel.open(path, set);
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    throw (IOException) e;
                }
                // tmpfs and some network file systems refuse O_DIRECT: fall back to buffered I/O + fsync
                direct = false;
            }
        }
        return FileChannel.open(path, options);
    }

    private static ByteBuffer block() {
        return ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK);
    }

    public FileLeaseStore(Path path, long offset) {
        if (offset < 0 || offset % BLOCK != 0) {
            throw new IllegalArgumentException("lease offset must be a non-negative multiple of 4096, was " + offset);
        }
        this.path = path;
        this.offset = offset;
    }

    @Override
    public Optional<LeaseRecord> read() throws IOException {
        ByteBuffer buf = block();
        if (!java.nio.file.Files.exists(path)) {
            return Optional.empty(); // a lease file on shared storage not created yet: nobody ever held it
        }
        try (FileChannel ch = open(StandardOpenOption.READ)) {
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
        ByteBuffer buf = block();
        buf.put(MAGIC).putInt(FORMAT).putInt(body.length).put(body).putLong(c.getValue());
        buf.position(BLOCK);
        buf.flip();
        try (FileChannel ch = open(StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
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
