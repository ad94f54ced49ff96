package org.duplex.failover.fence.sbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

import org.duplex.api.model.NodeId;

/**
 * The poison-pill area on a shared disk (a block device or a file on shared storage), as SBD's: a header that
 * fixes the node slots and the timeouts, then one 4096-byte message slot per node. Every block ends with a CRC-32,
 * so a torn write reads as an error, never as a message; I/O bypasses the page cache (O_DIRECT) where the file
 * system allows, so a node reads its peer's write, not its own cached copy.
 *
 * <pre>
 * header, block 0:   0 magic "DPLXSBD1" | 8 version (2) = 1 | 10 node count (2) | 12 watchdog timeout ms (4)
 *                   16 msgwait ms (4) | 64 + 64 i: node i's name (1 length byte + up to 63 bytes) | 4092 CRC-32
 * slot i, block 1+i: 0 magic "DPLXSBDM" | 8 type (1) | 16 sequence (8) | 24 time, epoch ms (8)
 *                   32 sender (1 length byte + up to 63 bytes) | 4092 CRC-32;  an all-zero slot is "clear"
 * </pre>
 */
public class SbdDisk {

    static final int BLOCK = 4096;
    static final int MAX_NODES = 32;
    private static final byte[] MAGIC = "DPLXSBD1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SLOT_MAGIC = "DPLXSBDM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** The fixed part of the area: who has which slot, and the timeouts every node and fencer must agree on. */
    public record Header(List<NodeId> nodes, Duration watchdogTimeout, Duration msgwait) {
        public Header {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
                throw new IllegalArgumentException("an SBD area has 1 to " + MAX_NODES + " node slots, not "
                        + nodes.size());
            }
            if (new HashSet<>(nodes).size() != nodes.size()) {
                throw new IllegalArgumentException("an SBD area lists a node twice: " + nodes);
            }
            if (watchdogTimeout.isNegative() || watchdogTimeout.isZero() || msgwait.compareTo(watchdogTimeout) < 0) {
                throw new IllegalArgumentException("SBD timeouts: the watchdog timeout must be positive and msgwait"
                        + " at least as long (SBD's rule: msgwait = 2 x watchdog), were " + watchdogTimeout.toMillis()
                        + " and " + msgwait.toMillis() + " ms");
            }
        }
    }

    public enum Type {
        CLEAR, OFF, RESET, TEST;

        boolean poison() {
            return this == OFF || this == RESET;
        }
    }

    /** What a slot holds. */
    public record Message(Type type, String sender, long sequence, long timeMillis) {
        public static final Message NONE = new Message(Type.CLEAR, "", 0, 0);

        public boolean poison() {
            return type.poison();
        }
    }

    private final Path path;
    private volatile boolean direct = DIRECT != null;
    private static final OpenOption DIRECT = directOption();

    public SbdDisk(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * Writes the header if the area is blank (never initialised: all zeros, or shorter than the header); an area
     * already initialised must hold exactly this header. Several nodes may do this at once with the same
     * configuration: they write the same bytes.
     *
     * @throws IOException the area is unreadable, or holds a different header (named in the message)
     */
    public synchronized Header initialise(Header wanted) throws IOException {
        Optional<Header> have = readHeaderIfAny();
        if (have.isPresent()) {
            if (!have.get().equals(wanted)) {
                throw new IOException("SBD area " + path + " holds " + describe(have.get()) + ", but this node is"
                        + " configured for " + describe(wanted) + "; make the configurations agree (or wipe the"
                        + " area while the cluster is down)");
            }
            return have.get();
        }
        ByteBuffer b = block();
        b.put(MAGIC).putShort((short) VERSION).putShort((short) wanted.nodes().size())
                .putInt((int) wanted.watchdogTimeout().toMillis()).putInt((int) wanted.msgwait().toMillis());
        for (int i = 0; i < wanted.nodes().size(); i++) {
            putName(b, 64 + 64 * i, wanted.nodes().get(i).value());
        }
        write(0, seal(b));
        return wanted;
    }

    /** The header; throws when the area is blank, torn or not an SBD area. */
    public synchronized Header header() throws IOException {
        return readHeaderIfAny().orElseThrow(() -> new IOException("SBD area " + path
                + " is not initialised yet, or missing (a node's watcher initialises it when it starts with the area configured)"));
    }

    private Optional<Header> readHeaderIfAny() throws IOException {
        ByteBuffer b = read(0);
        if (b.limit() < BLOCK || allZero(b)) {
            return Optional.empty();
        }
        check(b, MAGIC, "header of SBD area " + path);
        int version = b.getShort(8);
        if (version != VERSION) {
            throw new IOException("SBD area " + path + " has layout version " + version + ", this build reads "
                    + VERSION);
        }
        int count = b.getShort(10);
        if (count < 1 || count > MAX_NODES) {
            throw new IOException("SBD area " + path + " is corrupt: " + count + " node slots");
        }
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(NodeId.of(getName(b, 64 + 64 * i)));
        }
        return Optional.of(new Header(nodes, Duration.ofMillis(b.getInt(12)), Duration.ofMillis(b.getInt(16))));
    }

    /** What {@code node}'s slot holds ({@link Message#NONE} when never written). */
    public synchronized Message read(NodeId node) throws IOException {
        ByteBuffer b = read(slotOffset(node));
        if (b.limit() < BLOCK || allZero(b)) {
            return Message.NONE;
        }
        check(b, SLOT_MAGIC, node + "'s slot of SBD area " + path);
        int type = b.get(8);
        if (type < 0 || type >= Type.values().length) {
            throw new IOException(node + "'s slot of SBD area " + path + " holds unknown message type " + type);
        }
        return new Message(Type.values()[type], getName(b, 32), b.getLong(16), b.getLong(24));
    }

    /** Writes a message into {@code node}'s slot and returns once the device acknowledged a flush. */
    public synchronized void write(NodeId node, Message m) throws IOException {
        long at = slotOffset(node);
        ByteBuffer b = block();
        b.put(SLOT_MAGIC).put((byte) m.type().ordinal());
        b.putLong(16, m.sequence()).putLong(24, m.timeMillis());
        putName(b, 32, m.sender());
        write(at, seal(b));
    }

    private long slotOffset(NodeId node) throws IOException {
        int i = header().nodes().indexOf(node);
        if (i < 0) {
            throw new IOException("SBD area " + path + " has no slot for node '" + node + "' (slots: "
                    + header().nodes() + ")");
        }
        return (long) BLOCK * (1 + i);
    }

    static String describe(Header h) {
        return "slots " + h.nodes() + ", watchdog timeout " + h.watchdogTimeout().toMillis() + " ms, msgwait "
                + h.msgwait().toMillis() + " ms";
    }

    // --- blocks

    private static ByteBuffer block() {
        return ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK);
    }

    private static ByteBuffer seal(ByteBuffer b) {
        byte[] bytes = new byte[BLOCK - 4];
        b.get(0, bytes);
        CRC32 c = new CRC32();
        c.update(bytes);
        b.putInt(BLOCK - 4, (int) c.getValue());
        b.position(0).limit(BLOCK);
        return b;
    }

    private static void check(ByteBuffer b, byte[] magic, String what) throws IOException {
        byte[] m = new byte[magic.length];
        b.get(0, m);
        if (!Arrays.equals(m, magic)) {
            throw new IOException(what + " is not an SBD block (magic " + new String(m, StandardCharsets.ISO_8859_1)
                    .replaceAll("[^ -~]", "?") + ")");
        }
        byte[] bytes = new byte[BLOCK - 4];
        b.get(0, bytes);
        CRC32 c = new CRC32();
        c.update(bytes);
        if ((int) c.getValue() != b.getInt(BLOCK - 4)) {
            throw new IOException(what + " failed its checksum (torn write?)");
        }
    }

    private static boolean allZero(ByteBuffer b) {
        for (int i = 0; i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void putName(ByteBuffer b, int at, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 63) {
            throw new IllegalArgumentException("name too long for an SBD slot (63 bytes): " + name);
        }
        b.put(at, (byte) n.length);
        b.put(at + 1, n);
    }

    private static String getName(ByteBuffer b, int at) throws IOException {
        int len = b.get(at);
        if (len < 0 || len > 63) {
            throw new IOException("corrupt name length " + len);
        }
        byte[] n = new byte[len];
        b.get(at + 1, n);
        return new String(n, StandardCharsets.UTF_8);
    }

    /** The block at {@code at}; empty (blank) when the file does not exist yet. */
    private ByteBuffer read(long at) throws IOException {
        ByteBuffer b = block();
        if (!java.nio.file.Files.exists(path)) {
            return b.limit(0);
        }
        try (FileChannel ch = open(Set.of(StandardOpenOption.READ))) {
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    break;
                }
            }
        }
        b.flip();
        return b;
    }

    private void write(long at, ByteBuffer b) throws IOException {
        try (FileChannel ch = open(Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE))) {
            while (b.hasRemaining()) {
                ch.write(b, at + b.position());
            }
            ch.force(false);
        }
    }

    private FileChannel open(Set<OpenOption> options) throws IOException {
        if (direct) {
            Set<OpenOption> set = new HashSet<>(options);
            set.add(DIRECT);
            try {
                return FileChannel.open(path, set);
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    throw (IOException) e;
                }
                direct = false; // tmpfs and some network file systems refuse O_DIRECT: buffered I/O + fsync
            }
        }
        return FileChannel.open(path, options);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static OpenOption directOption() {
        try {
            Class<? extends Enum> c = (Class<? extends Enum>) ClassLoader.getPlatformClassLoader()
                    .loadClass("com.sun.nio.file.ExtendedOpenOption");
            return (OpenOption) Enum.valueOf(c, "DIRECT");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "SBD area " + path;
    }
}
