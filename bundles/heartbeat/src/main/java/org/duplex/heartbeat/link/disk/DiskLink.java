package org.duplex.heartbeat.link.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared-disk heartbeat: each interval this node writes its own slot with a durable write (O_DSYNC, plus O_DIRECT
 * on block devices so that reads see the other host's writes and not this host's page cache), then reads every
 * other slot. A slot whose content has not changed delivers nothing, so a peer that stopped writing falls silent
 * and the detector declares the link down after the dead time.
 */
public final class DiskLink implements Link {

    private static final Logger LOG = LoggerFactory.getLogger(DiskLink.class);
    private static final int ALIGN = 4096;
    private final LinkConfig config;
    private final NodeId self;
    private final String cluster;
    private final int ownSlot;
    private final boolean direct;
    private DiskLayout layout;
    private FileChannel channel;
    private LinkContext context;
    private byte[][] lastSeen;
    private ByteBuffer slotBuffer;
    private volatile String status = "not started";

    public DiskLink(LinkConfig config, NodeId self, String cluster) {
        this.config = config;
        this.self = self;
        this.cluster = cluster;
        this.ownSlot = config.slots().indexOf(self);
        if (ownSlot < 0) {
            throw new IllegalArgumentException("heartbeat link " + config.name() + ": this node (" + self
                    + ") is not in 'slots' " + config.slots());
        }
        Path path = Path.of(config.path());
        this.direct = switch (config.directIo()) {
            case "true" -> true;
            case "false" -> false;
            default -> Files.exists(path) && !Files.isRegularFile(path); // a block device
        };
    }

    @Override
    public LinkConfig config() {
        return config;
    }

    @Override
    public void start(LinkContext ctx) throws IOException {
        Path path = Path.of(config.path());
        DiskLayout wanted = new DiskLayout(cluster, config.slotSize(), config.nodeCount(), System.currentTimeMillis());
        Set<OpenOption> opts = new HashSet<>(List.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DSYNC));
        if (!Files.exists(path)) {
            opts.add(StandardOpenOption.CREATE_NEW);
        }
        if (direct) {
            opts.add(directOption());
        }
        FileChannel ch = FileChannel.open(path, opts);
        try {
            ByteBuffer header = aligned(DiskLayout.HEADER_SIZE);
            readFully(ch, header, 0);
            DiskLayout.Probe probe = DiskLayout.probe(toArray(header));
            if (probe instanceof DiskLayout.Probe.Foreign f) {
                throw new IOException("refusing heartbeat device " + path + ": " + f.why() + ". If it is really"
                        + " meant for this cluster and free, zero its first 4 KiB (dd if=/dev/zero of=" + path
                        + " bs=4096 count=1) and restart the link");
            }
            if (probe instanceof DiskLayout.Probe.Valid v) {
                DiskLayout found = v.layout();
                if (!found.cluster().equals(cluster)) {
                    throw new IOException("refusing heartbeat device " + path + ": it belongs to cluster '"
                            + found.cluster() + "', this node is in cluster '" + cluster + "' (wrong 'path'?)");
                }
                if (found.slotSize() != config.slotSize() || found.nodeCount() < config.slots().size()) {
                    throw new IOException("refusing heartbeat device " + path + ": its header has slot.size="
                            + found.slotSize() + " and " + found.nodeCount() + " slots, this link is configured with"
                            + " slot.size=" + config.slotSize() + " and " + config.slots().size() + " nodes");
                }
                layout = found;
            } else {
                // A zeroed device: lay out the header. Nodes that race here write the same header.
                layout = wanted;
                if (Files.isRegularFile(path) && ch.size() < layout.totalSize()) {
                    ByteBuffer zero = aligned(config.slotSize());
                    for (int i = 0; i < layout.nodeCount(); i++) {
                        zero.clear();
                        writeFully(ch, zero, layout.slotOffset(i));
                    }
                }
                ByteBuffer h = aligned(DiskLayout.HEADER_SIZE);
                h.put(layout.encode()).flip();
                writeFully(ch, h, 0);
                LOG.info("heartbeat link {}: initialised heartbeat device {} for cluster {} ({} slots of {} bytes)",
                        config.name(), path, cluster, layout.nodeCount(), layout.slotSize());
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        context = ctx;
        lastSeen = new byte[layout.nodeCount()][];
        slotBuffer = aligned(layout.slotSize());
        status = "device " + path + " slot " + ownSlot + " of " + layout.nodeCount() + (direct ? ", O_DIRECT" : "");
    }

    private static OpenOption directOption() throws IOException {
        try {
            // Reflection keeps com.sun.nio.file out of Import-Package; Karaf boot-delegates com.sun.*.
            @SuppressWarnings({"unchecked", "rawtypes"})
            OpenOption o = (OpenOption) Enum.valueOf((Class) Class.forName("com.sun.nio.file.ExtendedOpenOption"),
                    "DIRECT");
            return o;
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new IOException("O_DIRECT is not available in this JVM; set direct.io=false", e);
        }
    }

    @Override
    public synchronized void send(byte[] frame) {
        if (channel == null) {
            return;
        }
        String source = "slot";
        try {
            if (frame.length + 2 > layout.slotSize()) {
                throw new IOException("frame of " + frame.length + " bytes does not fit slot.size " + layout.slotSize());
            }
            slotBuffer.clear();
            slotBuffer.putShort((short) frame.length).put(frame);
            while (slotBuffer.hasRemaining()) {
                slotBuffer.put((byte) 0);
            }
            slotBuffer.flip();
            writeFully(channel, slotBuffer, layout.slotOffset(ownSlot));
            for (int i = 0; i < config.slots().size(); i++) {
                if (i == ownSlot) {
                    continue;
                }
                source = config.path() + "#" + i + "(" + config.slots().get(i) + ")";
                slotBuffer.clear();
                readFully(channel, slotBuffer, layout.slotOffset(i));
                byte[] slot = toArray(slotBuffer);
                if (java.util.Arrays.equals(slot, lastSeen[i])) {
                    continue; // unchanged: the peer has not written since
                }
                lastSeen[i] = slot;
                int len = ((slot[0] & 0xff) << 8) | (slot[1] & 0xff);
                if (len == 0) {
                    continue;
                }
                if (len > Math.min(FrameCodec.MAX_FRAME, slot.length - 2)) {
                    context.rejected(RejectReason.OVERSIZED, source, "slot length " + len);
                    continue;
                }
                context.received(slot, 2, len, source, config.slots().get(i).value());
            }
            if (status.startsWith("I/O error")) {
                status = "device " + config.path() + " slot " + ownSlot + " of " + layout.nodeCount();
                LOG.info("heartbeat link {}: device {} works again", config.name(), config.path());
            }
        } catch (IOException e) {
            if (!status.startsWith("I/O error")) {
                LOG.warn("heartbeat link {}: I/O error on {}: {}", config.name(), source, e.getMessage());
            }
            status = "I/O error: " + e.getMessage();
        }
    }

    private ByteBuffer aligned(int size) {
        return ByteBuffer.allocateDirect(size + ALIGN).alignedSlice(ALIGN).slice(0, size);
    }

    private static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        d.flip();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                // Past the end of a short file: the rest reads as zeros.
                while (b.hasRemaining()) {
                    b.put((byte) 0);
                }
                return;
            }
            p += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    @Override
    public String describe() {
        return status;
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}", config.path(), e);
            }
            channel = null;
        }
    }
}
