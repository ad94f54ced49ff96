package org.duplex.mirror.nbd;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.block.CompletionBatch;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;

import org.duplex.mirror.replication.SocketInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's NBD conversation over a pair of streams: option haggling, then the transmission phase.
 * {@link #run()} never throws: malformed input gets an error reply, or ends the session when the stream can no
 * longer be parsed (bad magic, unknown client flags, oversized option).
 */
public final class NbdSession {
    private static final Logger LOG = LoggerFactory.getLogger(NbdSession.class);
    /** Largest option payload accepted; an INFO/GO request with a 4096-byte name and many info types fits. */
    static final int MAX_OPTION_BYTES = 16 * 1024;

    private final Function<String, Optional<NbdServer.Export>> lookup;
    private final Supplier<Collection<NbdServer.Export>> list;
    private final Executor executor;
    private final NbdServerConfig config;
    private final SocketInput raw;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String peer;
    private final Semaphore inFlightBytes;
    private final Phaser inFlight = new Phaser(1);
    private volatile boolean broken;
    private volatile boolean inlineBatching;
    /** Reused by requests run inline (one at a time): large per-request arrays would churn the heap. */
    private byte[] inlineBuffer = new byte[0];
    /**
     * Write payloads of requests run inline or started asynchronously (the device is done with the buffer when the
     * call returns) are read into this one direct buffer, straight from the socket's channel: no per-request
     * array, no copy through the heap on the way from the socket to the file.
     */
    private ByteBuffer directPayload;
    /** Largest payload read into {@link #directPayload}; larger (rare) ones use a heap array. */
    static final int MAX_POOLED_PAYLOAD = 4 << 20;
    private Runnable onTransmission = () -> { };
    /** Flushes the replies; one object, so a {@link CompletionBatch} holds it once however many replies it deferred. */
    private final java.io.Flushable replyFlusher = this::flushReplies;

    public NbdSession(Function<String, Optional<NbdServer.Export>> lookup,
                      Supplier<Collection<NbdServer.Export>> list, Executor executor, NbdServerConfig config,
                      InputStream in, OutputStream out, String peer) {
        this(lookup, list, executor, config, in, null, out, peer);
    }

    /** @param channel the socket's channel, for reading write payloads without a heap copy; may be null */
    public NbdSession(Function<String, Optional<NbdServer.Export>> lookup,
                      Supplier<Collection<NbdServer.Export>> list, Executor executor, NbdServerConfig config,
                      InputStream in, ReadableByteChannel channel, OutputStream out, String peer) {
        this.lookup = lookup;
        this.list = list;
        this.executor = executor;
        this.config = config;
        this.raw = new SocketInput(in, channel, 64 * 1024);
        this.in = new DataInputStream(raw);
        this.out = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
        this.peer = peer;
        this.inFlightBytes = new Semaphore(config.maxInFlightBytes());
    }

    /** Called once option haggling has ended and the transmission phase starts (to lift the handshake timeout). */
    public void onTransmission(Runnable action) {
        this.onTransmission = action;
    }

    /** Result of negotiation: the export and whether the client asked for block size constraints. */
    private record Chosen(NbdServer.Export export, boolean blockSizeNegotiated) {
    }

    public void run() {
        try {
            Chosen chosen = negotiate();
            if (chosen != null) {
                onTransmission.run();
                transmit(chosen);
            }
        } catch (EOFException e) {
            LOG.debug("NBD client {} closed the connection", peer);
        } catch (IOException e) {
            LOG.debug("NBD connection {} ended: {}", peer, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("NBD connection {} dropped after an internal error", peer, e);
        } finally {
            inFlight.arriveAndAwaitAdvance();
            try {
                out.flush();
            } catch (IOException ignored) {
                // the peer is gone
            }
        }
    }

    // ---------------------------------------------------------------- negotiation

    private Chosen negotiate() throws IOException {
        out.writeLong(Nbd.NBDMAGIC);
        out.writeLong(Nbd.IHAVEOPT);
        out.writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
        out.flush();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES)) != 0) {
            LOG.info("NBD client {} sent unknown client flags {}: closing", peer, Integer.toHexString(clientFlags));
            return null;
        }
        boolean noZeroes = (clientFlags & Nbd.FLAG_C_NO_ZEROES) != 0;
        for (int options = 0; options < 1000; options++) {
            long magic = in.readLong();
            if (magic != Nbd.IHAVEOPT) {
                LOG.info("NBD client {} sent a bad option magic: closing", peer);
                return null;
            }
            int option = in.readInt();
            long length = Integer.toUnsignedLong(in.readInt());
            if (length > MAX_OPTION_BYTES) {
                LOG.info("NBD client {} sent an option of {} bytes: closing", peer, length);
                return null;
            }
            byte[] data = new byte[(int) length];
            in.readFully(data);
            switch (option) {
                case Nbd.OPT_EXPORT_NAME: {
                    String name = new String(data, StandardCharsets.UTF_8);
                    Optional<NbdServer.Export> e = lookup.apply(name);
                    if (e.isEmpty()) {
                        LOG.info("NBD client {} asked for unknown export '{}': closing", peer, name);
                        return null;
                    }
                    Optional<String> down = e.get().device().unavailable();
                    if (down.isPresent()) {
                        // EXPORT_NAME has no error reply: closing is all the protocol allows
                        LOG.warn("NBD client {} refused export '{}' (closing): {}", peer, name, down.get());
                        return null;
                    }
                    out.writeLong(e.get().device().size());
                    out.writeShort(transmissionFlags(e.get().device()));
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    out.flush();
                    return new Chosen(e.get(), false);
                }
                case Nbd.OPT_ABORT:
                    optReply(option, Nbd.REP_ACK, new byte[0]);
                    return null;
                case Nbd.OPT_LIST:
                    if (length != 0) {
                        optError(option, Nbd.REP_ERR_INVALID, "LIST takes no data");
                        break;
                    }
                    for (NbdServer.Export e : list.get()) {
                        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                        byte[] desc = e.description().getBytes(StandardCharsets.UTF_8);
                        ByteBuffer b = ByteBuffer.allocate(4 + name.length + desc.length);
                        b.putInt(name.length).put(name).put(desc);
                        optReply(option, Nbd.REP_SERVER, b.array());
                    }
                    optReply(option, Nbd.REP_ACK, new byte[0]);
                    break;
                case Nbd.OPT_INFO:
                case Nbd.OPT_GO: {
                    Chosen c = infoOrGo(option, data);
                    if (c != null && option == Nbd.OPT_GO) {
                        return c;
                    }
                    break;
                }
                default:
                    optError(option, Nbd.REP_ERR_UNSUP, "option " + option + " not supported");
            }
        }
        LOG.info("NBD client {} sent too many options: closing", peer);
        return null;
    }

    private Chosen infoOrGo(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.remaining() < 4) {
            optError(option, Nbd.REP_ERR_INVALID, "truncated request");
            return null;
        }
        long nameLen = Integer.toUnsignedLong(b.getInt());
        if (nameLen > 4096 || b.remaining() < nameLen + 2) {
            optError(option, Nbd.REP_ERR_INVALID, "bad name length");
            return null;
        }
        byte[] nameBytes = new byte[(int) nameLen];
        b.get(nameBytes);
        int count = Short.toUnsignedInt(b.getShort());
        if (b.remaining() != count * 2) {
            optError(option, Nbd.REP_ERR_INVALID, "information request count does not match the length");
            return null;
        }
        boolean wantName = false;
        boolean wantBlockSize = false;
        boolean wantDescription = false;
        for (int i = 0; i < count; i++) {
            int t = Short.toUnsignedInt(b.getShort());
            wantName |= t == Nbd.INFO_NAME;
            wantBlockSize |= t == Nbd.INFO_BLOCK_SIZE;
            wantDescription |= t == Nbd.INFO_DESCRIPTION;
        }
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        Optional<NbdServer.Export> found = lookup.apply(name);
        if (found.isEmpty()) {
            optError(option, Nbd.REP_ERR_UNKNOWN, "no export named '" + name + "'");
            return null;
        }
        NbdServer.Export e = found.get();
        Optional<String> down = e.device().unavailable();
        if (down.isPresent()) {
            LOG.warn("NBD client {} refused export '{}': {}", peer, name, down.get());
            optError(option, Nbd.REP_ERR_UNKNOWN, "export '" + name + "' is not available: " + down.get());
            return null;
        }
        ByteBuffer info = ByteBuffer.allocate(12);
        info.putShort((short) Nbd.INFO_EXPORT).putLong(e.device().size()).putShort((short) transmissionFlags(e.device()));
        optReply(option, Nbd.REP_INFO, info.array());
        if (wantName) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            optReply(option, Nbd.REP_INFO, ByteBuffer.allocate(2 + n.length).putShort((short) Nbd.INFO_NAME).put(n).array());
        }
        if (wantDescription) {
            byte[] d = e.description().getBytes(StandardCharsets.UTF_8);
            optReply(option, Nbd.REP_INFO,
                    ByteBuffer.allocate(2 + d.length).putShort((short) Nbd.INFO_DESCRIPTION).put(d).array());
        }
        // Always sent (the spec allows it); the minimum only binds clients that asked for it.
        BlockSizeLimits l = config.limits();
        ByteBuffer bs = ByteBuffer.allocate(14);
        bs.putShort((short) Nbd.INFO_BLOCK_SIZE).putInt(wantBlockSize ? l.minimum() : 1).putInt(l.preferred())
                .putInt(l.maxPayload());
        optReply(option, Nbd.REP_INFO, bs.array());
        optReply(option, Nbd.REP_ACK, new byte[0]);
        return new Chosen(e, wantBlockSize);
    }

    private static int transmissionFlags(BlockDevice d) {
        int f = Nbd.TFLAG_HAS_FLAGS | Nbd.TFLAG_SEND_FLUSH | Nbd.TFLAG_SEND_FUA | Nbd.TFLAG_CAN_MULTI_CONN;
        if (d.readOnly()) {
            f |= Nbd.TFLAG_READ_ONLY;
        } else {
            f |= Nbd.TFLAG_SEND_TRIM | Nbd.TFLAG_SEND_WRITE_ZEROES;
        }
        return f;
    }

    private void optReply(int option, int type, byte[] data) throws IOException {
        out.writeLong(Nbd.OPT_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private void optError(int option, int type, String message) throws IOException {
        optReply(option, type, message.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- transmission

    private void transmit(Chosen chosen) throws IOException {
        BlockDevice dev = chosen.export().device();
        RequestValidator validator = new RequestValidator(dev.size(), dev.readOnly(), config.limits(),
                chosen.blockSizeNegotiated());
        inlineBatching = dev.completesLocally();
        LOG.debug("NBD client {} attached to export '{}'", peer, chosen.export().name());
        boolean burst = false;
        while (!broken) {
            if (burst && !requestWaiting()) {
                dev.endBurst(); // nothing more waiting: send what the writes of this burst left buffered
                burst = false;
            }
            if (inlineBatching && !requestWaiting()) {
                synchronized (out) {
                    out.flush();
                }
            }
            int magic = in.readInt();
            if (magic != Nbd.REQUEST_MAGIC) {
                LOG.info("NBD client {} sent a bad request magic {}: closing", peer, Integer.toHexString(magic));
                return;
            }
            NbdRequest r = new NbdRequest(in.readUnsignedShort(), in.readUnsignedShort(), in.readLong(),
                    in.readLong(), Integer.toUnsignedLong(in.readInt()));
            RequestValidator.Verdict v = validator.check(r);
            if (v.closeConnection()) {
                LOG.info("NBD client {}: {}: closing", peer, v.reason());
                return;
            }
            if (r.type() == Nbd.CMD_DISC) {
                return;
            }
            ByteBuffer payload = null;
            boolean inline = dev.completesLocally() || (r.type() == Nbd.CMD_READ && dev.readsLocally());
            boolean async = !inline && r.type() == Nbd.CMD_WRITE && !r.fua() && dev.asyncWrites();
            if (r.hasPayload()) {
                if (!v.ok()) {
                    in.skipNBytes(r.length());
                    reply(r.handle(), v.errno(), null);
                    continue;
                }
                int len = (int) r.length();
                if ((inline || async) && raw.direct() && len <= MAX_POOLED_PAYLOAD) {
                    // the device is done with it when execute / writeAsyncInBurst returns: one buffer is reused
                    if (directPayload == null || directPayload.capacity() < len) {
                        directPayload = ByteBuffer.allocateDirect(Math.max(len, 1 << 20));
                    }
                    payload = directPayload.clear().limit(len);
                    raw.readFully(payload);
                    payload.flip();
                } else if (inlineBatching) {
                    if (inlineBuffer.length < len) {
                        inlineBuffer = new byte[len];
                    }
                    in.readFully(inlineBuffer, 0, len);
                    payload = ByteBuffer.wrap(inlineBuffer, 0, len);
                } else {
                    byte[] a = new byte[len];
                    in.readFully(a);
                    payload = ByteBuffer.wrap(a);
                }
            } else if (!v.ok()) {
                reply(r.handle(), v.errno(), null);
                continue;
            }
            if (inline) {
                execute(dev, r, payload);
            } else if (async) {
                // (a FUA write forces the local disk first: a worker does it, not the connection thread)
                startWrite(dev, r, payload);
                burst = true;
            } else {
                submit(dev, r, payload);
            }
        }
    }

    /** True when a whole request header is already waiting (buffered bytes first: no system call then). */
    private boolean requestWaiting() throws IOException {
        return raw.buffered() >= Nbd.REQUEST_HEADER_BYTES || raw.available() >= Nbd.REQUEST_HEADER_BYTES;
    }

    private void submit(BlockDevice dev, NbdRequest r, ByteBuffer payload) throws IOException {
        int cost = (int) Math.max(1, Math.min(r.length(), config.limits().maxPayload()));
        if (r.type() != Nbd.CMD_READ && r.type() != Nbd.CMD_WRITE) {
            cost = 1;
        }
        try {
            inFlightBytes.acquire(cost);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        inFlight.register();
        final int held = cost;
        try {
            executor.execute(() -> {
                try {
                    execute(dev, r, payload);
                } finally {
                    inFlightBytes.release(held);
                    inFlight.arriveAndDeregister();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlightBytes.release(held);
            inFlight.arriveAndDeregister();
            reply(r.handle(), Nbd.ESHUTDOWN, null);
        }
    }

    /** A write whose completion (the peer's ack) replies, with no worker thread in between. */
    private void startWrite(BlockDevice dev, NbdRequest r, ByteBuffer payload) throws IOException {
        int cost = (int) Math.max(1, Math.min(r.length(), config.limits().maxPayload()));
        try {
            inFlightBytes.acquire(cost);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        inFlight.register();
        java.util.concurrent.CompletableFuture<Void> f;
        try {
            f = dev.writeAsyncInBurst(r.offset(), payload, r.fua());
        } catch (IOException | RuntimeException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            try {
                int errno = 0;
                if (e != null) {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (c instanceof BlockDeviceException b) {
                        errno = Nbd.errno(b.error());
                        LOG.debug("NBD request from {} refused: {}", peer, c.getMessage());
                    } else {
                        errno = Nbd.EIO;
                        LOG.warn("NBD write at offset {} length {} from {} failed: {}", r.offset(), r.length(), peer,
                                c.toString());
                    }
                }
                reply(r.handle(), errno, null);
            } catch (IOException ex) {
                broken = true;
            } finally {
                inFlightBytes.release(cost);
                inFlight.arriveAndDeregister();
            }
        });
    }

    private void execute(BlockDevice dev, NbdRequest r, ByteBuffer payload) {
        int errno = 0;
        ByteBuffer data = null;
        try {
            switch (r.type()) {
                case Nbd.CMD_READ:
                    if (inlineBatching) {
                        if (inlineBuffer.length < r.length()) {
                            inlineBuffer = new byte[(int) r.length()];
                        }
                        data = ByteBuffer.wrap(inlineBuffer, 0, (int) r.length());
                    } else {
                        data = ByteBuffer.allocate((int) r.length());
                    }
                    dev.read(r.offset(), data);
                    data.flip();
                    break;
                case Nbd.CMD_WRITE:
                    dev.write(r.offset(), payload, r.fua());
                    break;
                case Nbd.CMD_FLUSH:
                    dev.flush();
                    break;
                case Nbd.CMD_TRIM:
                    dev.trim(r.offset(), r.length(), r.fua());
                    break;
                case Nbd.CMD_WRITE_ZEROES:
                    dev.writeZeroes(r.offset(), r.length(), r.fua());
                    break;
                default:
                    errno = Nbd.EINVAL;
            }
        } catch (BlockDeviceException e) {
            errno = Nbd.errno(e.error());
            LOG.debug("NBD request from {} refused: {}", peer, e.getMessage());
        } catch (IOException | RuntimeException e) {
            errno = Nbd.EIO;
            LOG.warn("NBD request {} at offset {} length {} from {} failed: {}", r.type(), r.offset(), r.length(),
                    peer, e.toString());
        }
        try {
            reply(r.handle(), errno, errno == 0 ? data : null);
        } catch (IOException e) {
            broken = true;
        }
    }

    private void flushReplies() throws IOException {
        synchronized (out) {
            try {
                out.flush();
            } catch (IOException e) {
                broken = true;
                throw e;
            }
        }
    }

    private void reply(long handle, int errno, ByteBuffer data) throws IOException {
        synchronized (out) {
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(errno);
            out.writeLong(handle);
            if (data != null) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            }
            // Replies of requests run inline are flushed once no further request is already buffered; replies
            // completed by a thread running a CompletionBatch (the peer's acks) once per batch.
            if (inlineBatching) {
                if (raw.buffered() == 0 && raw.available() == 0) {
                    out.flush();
                }
            } else if (!CompletionBatch.defer(replyFlusher)) {
                out.flush();
            }
        }
    }
}
