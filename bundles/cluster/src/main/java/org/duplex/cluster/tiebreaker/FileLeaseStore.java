package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import org.duplex.api.model.NodeId;

/**
 * A lease record in one 4096-byte block at a configured offset of a file or block device shared by both nodes
 * (the disk heartbeat area), followed by one 4096-byte weight slot per configured member (slot i at
 * {@code offset + 4096 * (1 + i)}, i = the member's position in the sorted member ids; each slot also names its
 * node, so a reader attributes it correctly even if the nodes disagree on the member list). The lease block keeps
 * format 1 unchanged, so a node of an older build reads it and simply ignores the slots (it never publishes a
 * weight, so nobody hands it the lease). Every write is followed by a forced flush; every block carries a CRC so a
 * torn write reads as an error, never as a valid lease. I/O uses O_DIRECT where the file system supports it: on a
 * shared block device a cached read could return this host's stale copy instead of the peer's latest write.
 */
public final class FileLeaseStore implements LeaseStore {

    static final int BLOCK = 4096;
    private static final byte[] MAGIC = "DPXLEASE".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final byte[] SLOT_MAGIC = "DPXLSLOT".getBytes(StandardCharsets.US_ASCII);
    private static final int SLOT_FORMAT = 1;

    private final Path path;
    private final long offset;
    private final List<NodeId> slotOwners;
    private volatile boolean direct = DIRECT != null;
    /** Guarded by this: the open file, the identity of the file it was opened on, the I/O buffer. */
    private FileChannel channel;
    private Object channelKey;
    private ByteBuffer buffer;

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

    private FileChannel open(boolean create) throws IOException {
        java.util.Set<java.nio.file.OpenOption> set = new java.util.HashSet<>(
                List.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        if (create) {
            set.add(StandardOpenOption.CREATE);
        }
        if (direct) {
            set.add(DIRECT);
            try {
                return FileChannel.open(path, set);
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    throw (IOException) e;
                }
                // tmpfs and some network file systems refuse O_DIRECT: fall back to buffered I/O + fsync
                direct = false;
                set.remove(DIRECT);
            }
        }
        return FileChannel.open(path, set);
    }

    /**
     * The open channel, if the path still names the file it was opened on. Opening the file for every block cost
     * about 30 system calls per renewal (open, fcntl, fstatfs, close, a fresh aligned buffer each time); one stat
     * keeps the safety of a per-operation open: a lease file replaced or recreated at the same path is reopened,
     * never read through a stale descriptor of the old one.
     *
     * @return null when the file does not exist and {@code create} is false
     */
    private FileChannel channel(boolean create) throws IOException {
        Object key;
        try {
            key = java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey();
        } catch (java.nio.file.NoSuchFileException e) {
            key = null;
        }
        if (channel != null && (key == null || !key.equals(channelKey))) {
            closeChannel();
        }
        if (channel == null) {
            if (key == null && !create) {
                return null;
            }
            channel = open(create);
            channelKey = java.nio.file.Files.readAttributes(path,
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        }
        return channel;
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing to save: the next operation opens it again
        }
        channel = null;
        channelKey = null;
    }

    /** The reused aligned buffer, {@code blocks} blocks long (O_DIRECT needs block-aligned memory). */
    private ByteBuffer buffer(int blocks) {
        if (buffer == null || buffer.capacity() < blocks * BLOCK) {
            buffer = ByteBuffer.allocateDirect((blocks + 1) * BLOCK).alignedSlice(BLOCK);
        }
        return buffer.clear().limit(blocks * BLOCK);
    }

    /** A lease without weight slots (no node can publish a weight, so the lease is never handed over). */
    public FileLeaseStore(Path path, long offset) {
        this(path, offset, List.of());
    }

    /**
     * @param slotOwners the configured members that get a weight slot (order does not matter: sorted here, so
     *                   every node computes the same layout from the same member list)
     */
    public FileLeaseStore(Path path, long offset, Collection<NodeId> slotOwners) {
        if (offset < 0 || offset % BLOCK != 0) {
            throw new IllegalArgumentException("lease offset must be a non-negative multiple of 4096, was " + offset);
        }
        this.path = path;
        this.offset = offset;
        this.slotOwners = List.copyOf(new TreeSet<>(slotOwners));
    }

    /** Bytes used from the offset on: the lease block and the weight slots. */
    public long length() {
        return (long) BLOCK * (1 + slotOwners.size());
    }

    /** {@code blocks} blocks from {@code at}, or null when the file does not exist. */
    private ByteBuffer readBlocks(long at, int blocks) throws IOException {
        FileChannel ch = channel(false);
        if (ch == null) {
            return null;
        }
        ByteBuffer buf = buffer(blocks);
        try {
            while (buf.hasRemaining()) {
                if (ch.read(buf, at + buf.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            closeChannel();
            throw e;
        }
        buf.flip();
        return buf;
    }

    private void writeBlock(long at, byte[] magic, int format, byte[] body) throws IOException {
        if (body.length > BLOCK - 32) {
            throw new IOException("lease block too large: " + body.length + " bytes");
        }
        CRC32 c = new CRC32();
        c.update(body);
        FileChannel ch = channel(true);
        ByteBuffer buf = buffer(1);
        buf.put(magic).putInt(format).putInt(body.length).put(body).putLong(c.getValue());
        buf.position(BLOCK);
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                ch.write(buf, at + buf.position());
            }
            ch.force(false);
        } catch (IOException e) {
            closeChannel();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }

    @Override
    public synchronized Optional<LeaseRecord> read() throws IOException {
        ByteBuffer buf = readBlocks(offset, 1);
        if (buf == null) {
            return Optional.empty(); // a lease file on shared storage not created yet: nobody ever held it
        }
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
    public synchronized void write(LeaseRecord record) throws IOException {
        byte[] body = (record.holder().value() + "\n" + record.counter() + "\n"
                + record.members().stream().map(NodeId::value).sorted().collect(Collectors.joining(",")) + "\n" + record.epoch())
                .getBytes(StandardCharsets.UTF_8);
        writeBlock(offset, MAGIC, FORMAT, body);
    }

    @Override
    public synchronized void writeWeight(NodeId node, WeightSlot weight) throws IOException {
        int slot = slotOwners.indexOf(node);
        if (slot < 0) {
            throw new IOException("lease at " + this + " has no weight slot for node '" + node + "' (slots for "
                    + slotOwners + ")");
        }
        writeBlock(slotAt(slot), SLOT_MAGIC, SLOT_FORMAT,
                (node.value() + "\n" + weight.weight() + "\n" + weight.sequence()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized Map<NodeId, WeightSlot> readWeights() throws IOException {
        Map<NodeId, WeightSlot> out = new LinkedHashMap<>();
        if (slotOwners.isEmpty()) {
            return out;
        }
        ByteBuffer all = readBlocks(slotAt(0), slotOwners.size()); // one read for every slot: they are adjacent
        if (all == null) {
            return out;
        }
        for (int i = 0; i < slotOwners.size(); i++) {
            int from = i * BLOCK;
            if (all.limit() <= from) {
                break; // the file ends before this slot: never written
            }
            ByteBuffer buf = all.duplicate().position(from).limit(Math.min(all.limit(), from + BLOCK)).slice();
            if (buf.remaining() < SLOT_MAGIC.length + 4) {
                continue;
            }
            byte[] magic = new byte[SLOT_MAGIC.length];
            buf.get(magic);
            if (!Arrays.equals(magic, SLOT_MAGIC)) {
                continue; // never written
            }
            String where = "weight slot " + i + " of lease at " + path + "@" + offset;
            int format = buf.getInt();
            if (format != SLOT_FORMAT) {
                throw new IOException(where + " has unknown format " + format);
            }
            int len = buf.getInt();
            if (len < 0 || len > BLOCK - 32) {
                throw new IOException(where + " is corrupt (length " + len + ")");
            }
            byte[] body = new byte[len];
            buf.get(body);
            long crc = buf.getLong();
            CRC32 c = new CRC32();
            c.update(body);
            if (c.getValue() != crc) {
                throw new IOException(where + " failed its checksum (torn write?)");
            }
            String[] parts = new String(body, StandardCharsets.UTF_8).split("\n", -1);
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException(parts.length + " fields");
                }
                out.put(NodeId.of(parts[0]), new WeightSlot(Integer.parseInt(parts[1]), Long.parseLong(parts[2])));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + " is corrupt: " + e.getMessage());
            }
        }
        return out;
    }

    private long slotAt(int slot) {
        return offset + (long) BLOCK * (1 + slot);
    }

    @Override
    public String toString() {
        return path + "@" + offset;
    }
}
