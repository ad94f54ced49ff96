package org.duplex.mirror.engine;

import org.duplex.mirror.leg.FenceMessages;
import org.duplex.mirror.leg.LegCore;
import org.duplex.mirror.leg.MetaState;
import org.duplex.mirror.leg.Suspension;
import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.leg.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.fence.PromotionWait;
import org.duplex.mirror.bitmap.ActivityLog;
import org.duplex.mirror.bitmap.InFlightLog;
import org.duplex.mirror.bitmap.DirtyBitmap;
import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.io.DiskFile;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SyncDecision;
import org.duplex.mirror.gi.SyncPlanner;
import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.block.BlockError;
import org.duplex.mirror.block.CompletionBatch;
import org.duplex.mirror.replication.Frame;
import org.duplex.mirror.replication.FrameReader;
import org.duplex.mirror.replication.FrameType;
import org.duplex.mirror.replication.FrameWriter;
import org.duplex.mirror.replication.Hello;
import org.duplex.mirror.replication.SocketInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.duplex.mirror.gi.DiskState;

/**
 * One leg of a mirrored volume. As primary it applies application writes locally and, in SYNC mode, acknowledges
 * them only once the peer has them on disk (peer forces before it acks). Disconnected writes go to a persisted
 * dirty bitmap; an activity log bounds what must be compared after a primary crash; generation identifiers decide
 * the resync direction and detect split brain on reconnect.
 *
 * <p>Ordering: the local write and the send to the peer happen under one lock ({@code order}), and the peer applies
 * frames in arrival order, so both legs see overlapping writes, resync data and verify reads in the same order.
 */
public final class MirrorVolume implements BlockDevice, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorVolume.class);
    static final int MAX_DATA = 32 << 20;
    private static final int RESYNC_WINDOW = 16;
    private static final long AL_EXTENT = 4L << 20;
    /**
     * Activity-log retirement, ticked every {@link #AL_TICK_MS}: an extent leaves once its writes are durable on
     * this leg (data forced after them) and none ended for 4 s. An idle volume's log is empty about 4.5 s after the
     * last write, so a crash then resyncs nothing. Not sooner: an extent retired while it is still being rewritten
     * re-enters with a forced log write in the write path, one per 4 MiB. With 2 s (and 250 ms outside the 16
     * hottest extents) replicated 1 MiB sequential writes in scripts/bench/mirror.sh, whose 1 GiB stream comes
     * round every 1.5-2.5 s, fell from about 700 to 350-450 MiB/s.
     */
    static final long AL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(4);
    private static final long AL_TICK_MS = 500;
    /**
     * The in-flight log (what a process crash on the same boot resyncs): 256 regions of 256 KiB, at most 64 MiB.
     * A write waits while more regions than that have writes in flight; a 32 MiB write spans at most 129.
     */
    static final long IN_FLIGHT_REGION = 256L << 10;
    static final int IN_FLIGHT_SLOTS = 256;
    /** Start of the alert set when both legs are primary; a demote of this leg ends that condition. */
    static final String BOTH_PRIMARY = LegCore.BOTH_PRIMARY;
    /** Replication socket buffers: several 1 MiB writes in flight without the sender blocking on the receiver. */
    private static final int SOCKET_BUFFER = 8 << 20;
    /** Acks of writes at least this large are sent at once rather than batched with the following ones. */
    private static final int LARGE_WRITE = 64 * 1024;
    /**
     * Frame payloads from this size on (every replicated write: 512 bytes + its 9-byte prefix) are read into the
     * link's one pooled direct buffer: no array allocated per frame, and the file write needs no copy.
     */
    private static final int DIRECT_FRAME_PAYLOAD = 512;

    private final VolumeConfig config;
    private final QuorumGate gate;
    private final DiskFile data;
    private final MetaStore metaStore;
    private final DirtyBitmap bitmap;
    private final ActivityLog al;
    /** Regions with writes in flight: what may differ after a process crash on the same boot (no forces). */
    private final InFlightLog inFlight;
    private final Object order = new Object();
    private final Object stateLock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger inFlightWrites = new AtomicInteger();
    private final AtomicInteger localPendingReads = new AtomicInteger();
    private final AtomicLong readCounter = new AtomicLong();
    private final AtomicLong totalResyncBytesSent = new AtomicLong();

    /** Role, disk state, generation ids, suspension, sync decisions: every decision of this leg. */
    private final LegCore core;
    private volatile PeerLink link;
    private volatile boolean linkBusy;
    private volatile ConnectionState connection;
    private volatile boolean wantConnected;
    private volatile boolean closed;
    private volatile String alert;
    /** The last connect found a split brain no policy resolved (StandAlone until an operator chooses a victim). */
    private volatile boolean splitBrain;
    private volatile String lastVerify;
    /** The last read refusal logged (so a client retrying does not flood the log). */
    private volatile String loggedReadRefusal;
    /** The peer's mirror protocol level last logged (logged again only when it changes). */
    private volatile int loggedPeerLevel = Hello.LEVEL;
    private volatile Resync resync;
    private final PeerFencer fencer;
    private final Object fenceLock = new Object();
    /** Threads holding writes the peer did not confirm until fencing allows their ack (created on first use). */
    private volatile java.util.concurrent.ExecutorService fenceWaiters;
    private ServerSocket listener;
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Progress of the running resync. */
    private static final class Resync {
        final long totalBytes;
        final long startNanos = System.nanoTime();
        final AtomicLong doneBytes = new AtomicLong();

        Resync(long totalBytes) {
            this.totalBytes = totalBytes;
        }
    }

    /** Outcome of an online verify. */
    public record VerifyResult(long regionsCompared, long regionsDiffering, Duration took) {
        @Override
        public String toString() {
            return regionsCompared + " regions compared, " + regionsDiffering + " differ, in " + took.toMillis()
                    + " ms" + (regionsDiffering > 0 ? " (marked dirty: disconnect and connect to resync them)" : "");
        }
    }

    /** A volume without a second path to the peer ({@link PeerFencer#NONE}). */
    public MirrorVolume(VolumeConfig config, QuorumGate gate) throws IOException {
        this(config, gate, PeerFencer.NONE);
    }

    /** @param fencer the second path used to outdate the peer when the replication link is lost */
    public MirrorVolume(VolumeConfig config, QuorumGate gate, PeerFencer fencer) throws IOException {
        this.config = config;
        this.gate = gate;
        this.fencer = java.util.Objects.requireNonNull(fencer, "fencer");
        Files.createDirectories(config.metaDir());
        this.metaStore = new MetaStore(config.metaDir());
        this.data = new DiskFile(config.backing(), false);
        if (Files.isRegularFile(config.backing())) {
            data.ensureSize(config.size());
        } else if (data.size() < config.size()) {
            data.close();
            throw new IOException("volume " + config.name() + ": device " + config.backing() + " has only "
                    + data.size() + " bytes, " + config.size() + " configured");
        }
        this.bitmap = new DirtyBitmap(config.metaDir().resolve("bitmap"), config.size(), config.granularity());
        this.al = new ActivityLog(config.metaDir().resolve("activity-log"), AL_EXTENT, config.activityLogExtents(),
                data::force);
        MetaState stored;
        if (metaStore.exists()) {
            stored = metaStore.load();
        } else {
            stored = LegCore.initial(config.name(), config.skipInitialSync(), random.nextLong());
            metaStore.store(stored);
            LOG.info("Mirror volume {}: new metadata in {} ({})", config.name(), config.metaDir(),
                    config.skipInitialSync() ? "initial sync skipped: legs declared identical"
                            : "a full initial sync runs when the first primary connects");
        }
        this.core = new LegCore(new LegCore.Settings(config.name(), config.replicated(), config.fencing(),
                config.splitBrainPolicy(), config.fencingTimeout()), stored, metaStore::store,
                LegCore.Planner.STANDARD, System::nanoTime);
        String bootId = BootId.current();
        Path inFlightPath = config.metaDir().resolve("in-flight-log");
        InFlightLog.Recovered crashed = InFlightLog.recover(inFlightPath, IN_FLIGHT_REGION, bootId);
        // Same boot (a process crash): the page cache kept every write that was not in flight, so only the in-flight
        // regions may differ. Another boot, unknown, or no intact record: the forced activity log's extents (not yet
        // forced to disk) and whatever the in-flight record still shows.
        long unit = crashed.trusted() ? IN_FLIGHT_REGION : AL_EXTENT;
        List<Long> extents = new ArrayList<>();
        if (crashed.trusted()) {
            extents.addAll(crashed.regions());
        } else {
            extents.addAll(al.recordedExtents());
            for (long r : crashed.regions()) {
                long e = r * IN_FLIGHT_REGION / AL_EXTENT;
                if (!extents.contains(e)) {
                    extents.add(e);
                }
            }
        }
        boolean machineRestarted = BootId.restartedSince(BootId.recorded(config.metaDir()), bootId);
        LegCore.Recovery recovery = core.recover(!extents.isEmpty(), machineRestarted, () -> {
            for (long e : extents) {
                long off = e * unit;
                if (off < config.size()) {
                    bitmap.markDirty(off, Math.min(unit, config.size() - off));
                }
            }
            al.clear();
        });
        al.clear(); // marked above when it mattered; stale extents would only cost a resync after a restart
        this.inFlight = new InFlightLog(inFlightPath, IN_FLIGHT_REGION, IN_FLIGHT_SLOTS, bootId);
        String marked = extents.size() * unit + " bytes (" + extents.size() + (crashed.trusted()
                ? " regions with writes in flight: a process crash on this boot, the page cache kept the rest)"
                : " activity-log extents not known to be forced: " + crashed.reason() + ")");
        if (recovery == LegCore.Recovery.CRASHED_PRIMARY) {
            LOG.warn("Mirror volume {}: this node was primary and stopped without a clean demote; {} marked dirty "
                    + "for resync with the peer", config.name(), marked);
        } else if (recovery == LegCore.Recovery.CRASHED_PRIMARY_CACHE_LOST) {
            LOG.warn("Mirror volume {}: this node was primary and its machine restarted since (power loss or kernel "
                    + "crash: another boot id): writes it acknowledged from its page cache may be gone, so the leg "
                    + "is Outdated until it resyncs from its peer; {} marked dirty", config.name(), marked);
        } else if (recovery == LegCore.Recovery.UNCLEAN_RECEIVER) {
            // A receiving leg that stopped uncleanly: writes it acknowledged once written (peer.ack = written) may
            // not have reached its disk. Those regions are resynced, and until then this leg may lack acknowledged
            // data, so it must not be promoted.
            LOG.warn("Mirror volume {}: this leg stopped uncleanly while receiving replicated writes: {} marked "
                    + "for resync; the leg is {} until it resyncs from the primary", config.name(), marked,
                    core.disk());
        }
        this.connection = ConnectionState.STANDALONE;
        if (config.replicated()) {
            wantConnected = true;
            connection = ConnectionState.CONNECTING;
            startNetworking();
            thread("mirror-al-" + config.name(), this::activityLogLoop);
        }
    }

    /**
     * Retires activity-log extents whose writes are durable on this leg. On a primary an extent has no write in
     * flight once the peer acknowledged them all (the peer's own receive log covers them until it forces) or they
     * are in the dirty bitmap; on a receiving leg once applied. Forcing the data file first makes them durable here.
     */
    private void activityLogLoop() {
        while (!closed) {
            try {
                Thread.sleep(AL_TICK_MS);
                retireActivityLog();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.warn("Mirror volume {}: retiring idle activity-log extents failed (they stay logged): {}",
                        config.name(), e.toString());
            }
        }
    }

    /** One retirement tick (the maintenance thread's; tests may call it). Returns the extents retired. */
    int retireActivityLog() throws IOException {
        return al.retireIdle(AL_IDLE_NANOS, data::force);
    }

    /** Extents in the activity log now (what a crash at this moment would resync). */
    public int activityLogExtents() {
        return al.size();
    }

    /** Regions in the in-flight log now (what a process crash at this moment would resync). */
    public int inFlightRegions() {
        return inFlight.size();
    }

    public VolumeConfig config() {
        return config;
    }

    /** The replication port actually bound (useful when configured as 0). */
    public int listenPort() {
        return listener == null ? -1 : listener.getLocalPort();
    }

    // ------------------------------------------------------------------ BlockDevice

    @Override
    public long size() {
        return config.size();
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public boolean completesLocally() {
        return !config.replicated();
    }

    @Override
    public boolean readsLocally() {
        return config.readBalancing() == ReadBalancing.PREFER_LOCAL && core.disk() == DiskState.UP_TO_DATE;
    }

    @Override
    public Optional<String> standby() {
        Role r = core.role();
        return r == Role.PRIMARY ? Optional.empty() : Optional.of("volume " + config.name() + " is " + r
                + " on this node; the primary serves it");
    }

    @Override
    public Optional<String> unavailable() {
        PeerLink l = link;
        return core.disk() == DiskState.UP_TO_DATE || peerReadable(l) ? Optional.empty()
                : Optional.of(readRefusal());
    }

    private boolean peerReadable(PeerLink l) {
        return l != null && l.up() && !linkBusy && core.peerDisk() == DiskState.UP_TO_DATE
                && connection == ConnectionState.CONNECTED;
    }

    /** Why reads are refused on this leg (not UpToDate, no UpToDate peer to read from), with what to do. */
    private String readRefusal() {
        DiskState d = core.disk();
        String state = d == DiskState.OUTDATED ? "Outdated (" + core.outdatedWhy() + ")"
                : d == DiskState.INCONSISTENT ? "Inconsistent (never fully synced, or a resync from the peer was "
                        + "interrupted)" : d.toString();
        String a = alert;
        return "volume " + config.name() + " is " + state + " on this node and no UpToDate peer is connected to "
                + "read from: reads of possibly stale or partial data are refused; connect it to an UpToDate peer "
                + "and let it resync" + (a != null ? " (link: " + a + ")" : "");
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        PeerLink l = link;
        boolean peerUsable = peerReadable(l);
        if (core.disk() != DiskState.UP_TO_DATE) {
            if (peerUsable) {
                readFromPeer(l, offset, dst);
                return;
            }
            String why = readRefusal();
            if (!why.equals(loggedReadRefusal)) {
                loggedReadRefusal = why; // once per reason, not once per read
                LOG.warn("Mirror volume {}: refusing NBD reads (EPERM): {}", config.name(), why);
            }
            throw new BlockDeviceException(BlockError.NOT_PERMITTED, why);
        }
        boolean remote = false;
        if (peerUsable) {
            switch (config.readBalancing()) {
                case ROUND_ROBIN:
                    remote = (readCounter.incrementAndGet() & 1) == 0;
                    break;
                case LEAST_PENDING:
                    remote = l.pendingReads.get() < localPendingReads.get();
                    break;
                default:
                    remote = false;
            }
        }
        if (remote) {
            readFromPeer(l, offset, dst);
            return;
        }
        localPendingReads.incrementAndGet();
        try {
            data.read(offset, dst);
        } finally {
            localPendingReads.decrementAndGet();
        }
    }

    private void readFromPeer(PeerLink l, long offset, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        l.pendingReads.incrementAndGet();
        try {
            byte[] prefix = ByteBuffer.allocate(12).putLong(offset).putInt(len).array();
            byte[] got = await(l, l.request(FrameType.READ_REQ, prefix, new byte[0], 0, 0, 0, 0));
            if (got == null || got.length != len) {
                // fall back to the local leg when it is trustworthy
                if (core.disk() == DiskState.UP_TO_DATE) {
                    data.read(offset, dst);
                    return;
                }
                throw new BlockDeviceException(BlockError.IO, "peer read failed and the local leg is inconsistent");
            }
            dst.put(got);
        } finally {
            l.pendingReads.decrementAndGet();
        }
    }

    @Override
    public CompletableFuture<Void> writeAsync(long offset, ByteBuffer src, boolean fua) throws IOException {
        return writeAsync(offset, src, fua, true);
    }

    @Override
    public CompletableFuture<Void> writeAsyncInBurst(long offset, ByteBuffer src, boolean fua) throws IOException {
        return writeAsync(offset, src, fua, false);
    }

    @Override
    public void endBurst() {
        PeerLink l = link;
        if (l != null) {
            try {
                l.writer.flush();
            } catch (IOException e) {
                l.fail("send failed: " + e.getMessage());
            }
        }
    }

    /**
     * {@code src} (heap or direct) is written locally and sent before this returns; it is not kept (the NBD
     * server reuses one direct buffer per connection: from its socket to the file and the peer with no copy).
     */
    private CompletableFuture<Void> writeAsync(long offset, ByteBuffer src, boolean fua, boolean flush)
            throws IOException {
        ByteBuffer payload = src.duplicate();
        byte[] prefix = ByteBuffer.allocate(9).putLong(offset).put((byte) (fua ? 1 : 0)).array();
        return replicatedUpdate(offset, payload.remaining(), fua, FrameType.WRITE, prefix, payload,
                () -> data.write(offset, payload.duplicate()), flush || fua);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        join(writeAsync(offset, src, fua));
    }

    @Override
    public boolean asyncWrites() {
        return config.replicated();
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua) throws IOException {
        checkRange(offset, length);
        // in pieces of at most MAX_DATA (an NBD WRITE_ZEROES may cover 4 GiB): each piece fits the in-flight log's
        // bound (a 32 MiB piece spans at most 129 of its 256 regions), so a large zeroing never waits for itself
        long done = 0;
        do {
            long off = offset + done;
            long len = Math.min(MAX_DATA, length - done);
            byte[] prefix = ByteBuffer.allocate(17).putLong(off).putLong(len).put((byte) (fua ? 1 : 0)).array();
            join(replicatedUpdate(off, len, fua, FrameType.ZERO, prefix, ByteBuffer.allocate(0),
                    () -> data.zero(off, len), true));
            done += len;
        } while (done < length);
    }

    private static void join(CompletableFuture<Void> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a write", e);
        }
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        checkWritable();
        checkRange(offset, length);
        // Advisory: contents after a trim are unspecified, so leaving both legs as they are keeps them identical.
    }

    @FunctionalInterface
    private interface LocalIo {
        void run() throws IOException;
    }

    /**
     * Applies an update locally and sends it to the peer under the ordering lock, without waiting: the returned
     * future completes when the write may be acknowledged - on the peer's ack (on the receiving thread), or, when
     * the peer did not confirm it, once {@link #awaitSafeToAcknowledge} allows it (on a fencing-wait thread).
     */
    private CompletableFuture<Void> replicatedUpdate(long offset, long length, boolean fua, int type, byte[] prefix,
                                                     ByteBuffer payload, LocalIo local, boolean flush)
            throws IOException {
        checkWritable();
        checkRange(offset, length);
        boolean tracked = config.replicated();
        inFlightWrites.incrementAndGet();
        boolean handedOff = false;
        boolean begun = false;
        try {
            if (tracked) {
                al.begin(offset, length);
                try {
                    inFlight.begin(offset, length);
                } catch (IOException | RuntimeException e) {
                    al.end(offset, length);
                    throw e;
                }
                begun = true;
            }
            CompletableFuture<byte[]> ack = null;
            PeerLink l;
            synchronized (order) {
                checkWritable();
                local.run();
                l = link;
                if (l != null && l.up()) {
                    ack = l.request(type, prefix, payload, offset, length, flush);
                } else if (tracked) {
                    bitmap.markDirty(offset, length);
                }
            }
            if (fua) {
                data.force();
            }
            Runnable finish = () -> {
                if (tracked) {
                    inFlight.end(offset, length);
                    al.end(offset, length);
                }
                inFlightWrites.decrementAndGet();
            };
            CompletableFuture<Void> done = new CompletableFuture<>();
            handedOff = true;
            if (ack == null) {
                // no link: the region is in the bitmap
                settleUnconfirmed(tracked, finish, done);
                return done;
            }
            if (config.mode() == ReplicationMode.ASYNC) {
                // acknowledged without the peer by definition; the extent stays in the activity log until the peer
                // has it (or the failed link put the region in the bitmap)
                done.complete(null);
                ack.whenComplete((v, e) -> finish.run());
                return done;
            }
            // no timer per write: the link's ping thread fails the link when an answer is overdue (ackTimeout),
            // which settles this future as lost
            ack.whenComplete((v, e) -> {
                if (e == null) {
                    finish.run();
                    done.complete(null);
                    return;
                }
                settleUnconfirmed(tracked, finish, done);
            });
            return done;
        } finally {
            if (!handedOff) {
                if (begun) {
                    inFlight.end(offset, length);
                    al.end(offset, length);
                }
                inFlightWrites.decrementAndGet();
            }
        }
    }

    /**
     * Completes a write the peer did not confirm (already in the bitmap) as the leg core decides: acknowledged at
     * once, refused (this leg is no longer a writable primary: never acknowledged), or once the suspension allows.
     */
    private void settleUnconfirmed(boolean gated, Runnable finish, CompletableFuture<Void> done) {
        LegCore.AckDecision d = gated ? core.unconfirmedWrite() : new LegCore.Ack();
        if (d instanceof LegCore.Ack) {
            finish.run();
            done.complete(null);
            return;
        }
        if (d instanceof LegCore.Fail f) {
            finish.run();
            done.completeExceptionally(new BlockDeviceException(f.refusal().error(), f.refusal().message()));
            return;
        }
        fenceWaiters().execute(() -> {
            try {
                awaitSafeToAcknowledge();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            } finally {
                finish.run();
            }
        });
    }

    private java.util.concurrent.ExecutorService fenceWaiters() {
        java.util.concurrent.ExecutorService e = fenceWaiters;
        if (e == null) {
            synchronized (fenceLock) {
                if (fenceWaiters == null) {
                    // a few threads: once the suspension ends (or times out) each waiting write settles at once
                    fenceWaiters = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                        Thread t = new Thread(r, "mirror-fence-wait-" + config.name());
                        t.setDaemon(true);
                        return t;
                    });
                }
                e = fenceWaiters;
            }
        }
        return e;
    }

    /** Waits for a peer answer; on timeout drops the link (which marks the region dirty). Null when lost. */
    private byte[] await(PeerLink l, CompletableFuture<byte[]> f) throws IOException {
        try {
            return f.get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            l.fail("no answer from the peer within " + config.ackTimeout().toMillis() + " ms");
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the peer", e);
        }
    }

    @Override
    public void flush() throws IOException {
        data.force();
        PeerLink l = link;
        if (l != null && l.up()) {
            await(l, l.request(FrameType.FLUSH, new byte[0], new byte[0], 0, 0, 0, 0));
        }
    }

    private void checkWritable() throws BlockDeviceException {
        Optional<LegCore.Refusal> r = core.writeRefusal(gate.quorate());
        if (r.isPresent()) {
            throw new BlockDeviceException(r.get().error(), r.get().message());
        }
    }

    // ------------------------------------------------------------------ fencing (peer outdating)

    /**
     * A write the peer has not confirmed may be acknowledged only when the peer cannot be promoted without it:
     * no suspension is in force (link up, peer Outdated or Inconsistent, or fencing off). Blocks while the peer is
     * being outdated; fails with EIO once the fencing timeout has passed (never acknowledges), EPERM if demoted.
     */
    private void awaitSafeToAcknowledge() throws IOException {
        synchronized (fenceLock) {
            while (true) {
                LegCore.AckDecision d = core.unconfirmedWrite();
                if (d instanceof LegCore.Ack) {
                    return;
                }
                if (d instanceof LegCore.Fail f) {
                    throw new BlockDeviceException(f.refusal().error(), f.refusal().message());
                }
                long left = ((LegCore.Wait) d).nanos();
                try {
                    fenceLock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writes were suspended", e);
                }
            }
        }
    }

    /**
     * Called by {@link PeerLink#fail} before any write waiting on the link learns that it failed: a primary that
     * loses an up-to-date peer suspends acknowledgements of unconfirmed writes and starts outdating the peer.
     */
    void linkFailing(PeerLink l, String reason) {
        synchronized (fenceLock) {
            if (link != l || closed || !core.linkFailing(l, reason)) {
                return;
            }
            startFencing(core.suspension());
        }
    }

    private void startFencing(Suspension s) {
        LOG.warn("Mirror volume {}: {}: write acknowledgements suspended until the peer is marked Outdated or "
                + "the link is back (fencing {}, timeout {} ms)", config.name(), s.cause(), config.fencing().label(),
                config.fencingTimeout().toMillis());
        thread("mirror-fence-" + config.name(), () -> fenceLoop(s));
    }

    /** A suspension ended and writes are acknowledged again: wake the waiting writes, say why. */
    private void suspensionEnded(Suspension s, String why) {
        wakeSuspendedWriters();
        LOG.info("Mirror volume {}: writes resume after {} ms: {}", config.name(),
                (System.nanoTime() - s.startNanos()) / 1_000_000, why);
    }

    private void wakeSuspendedWriters() {
        synchronized (fenceLock) {
            fenceLock.notifyAll();
        }
    }

    /**
     * Retries the fencer until the peer is outdated, the link is back, or this leg is demoted or closed; the core
     * decides what each step and each outcome means.
     */
    private void fenceLoop(Suspension s) {
        Duration attempt = config.fencingTimeout().compareTo(Duration.ofSeconds(5)) < 0 ? config.fencingTimeout()
                : Duration.ofSeconds(5);
        boolean resumedUnconfirmed = false;
        PeerFencer.Result lastFailure = null;
        while (!closed) {
            PeerLink current = link;
            boolean linkBack = current != null && current != s.lost() && current.up();
            switch (core.fenceStep(s, linkBack, resumedUnconfirmed)) {
                case ENDED_BY_DEMOTION:
                    wakeSuspendedWriters();
                    // nothing resumes: the writes that were waiting fail with EPERM, none of them acknowledged
                    LOG.warn("Mirror volume {}: demoted {} ms into a write suspension ({}): the writes that were "
                            + "waiting for the peer to be outdated were refused (EPERM), none acknowledged; as "
                            + "secondary this node takes no writes", config.name(),
                            (System.nanoTime() - s.startNanos()) / 1_000_000, s.cause());
                    return;
                case ENDED_LINK_BACK:
                    suspensionEnded(s, "the link is back");
                    return;
                case SUPERSEDED:
                    return;
                default:
                    break;
            }
            PeerFencer.Result r;
            try {
                r = fencer.outdatePeer(new PeerFencer.OutdateRequest(config.name(), core.meta().promotedEpoch()),
                        attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                r = PeerFencer.Result.notConfirmed("fencer failed: " + e);
            }
            LegCore.FenceVerdict v = core.fenceOutcome(s, LegCore.FenceOutcome.valueOf(r.outcome().name()),
                    r.detail(), gate.quorate(), resumedUnconfirmed, java.time.Instant.now().toString());
            if (v == LegCore.FenceVerdict.PEER_OUTDATED) {
                LOG.warn("Mirror volume {}: the peer confirmed it cannot be promoted ({}) until it has been resynced "
                        + "from this node", config.name(), r.detail());
                suspensionEnded(s, "the peer is Outdated");
                return;
            }
            if (v == LegCore.FenceVerdict.RESUMED_UNCONFIRMED) {
                LOG.error(FenceMessages.resumedUnconfirmed(config.name(), s.lost() == null, r.detail()));
                resumedUnconfirmed = true;
                suspensionEnded(s, "peer unreachable, this node is quorate (resource-only)");
            } else if (!resumedUnconfirmed && !r.equals(lastFailure)) {
                // once per different answer (a retry every 0.5 s would flood the log)
                LOG.warn("Mirror volume {}: outdating the peer failed: {} {}; {}", config.name(), r.outcome(),
                        r.detail(), s.describe(config.name(), core.now()));
                lastFailure = r;
            }
            if (!resumedUnconfirmed && core.expireIfDue(s)) {
                LOG.error("Mirror volume {}: {}", config.name(), s.describe(config.name(), core.now()));
                wakeSuspendedWriters();
            }
            try {
                Thread.sleep(resumedUnconfirmed ? 5000 : 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Operator override for a suspended primary (ha:mirror-resume-io): acknowledges writes again although the peer
     * is not confirmed Outdated. Safe only when the peer node is known to be down (powered off).
     */
    public String resumeIo() throws MirrorException {
        Suspension s = core.resumeByOperator(java.time.Instant.now().toString());
        if (s == null) {
            return "volume " + config.name() + ": writes are not suspended";
        }
        LOG.error("Mirror volume {}: operator resumed writes without the peer being Outdated: if the peer is "
                + "promoted before it resyncs from this node, the writes acknowledged from now on are lost",
                config.name());
        suspensionEnded(s, "operator override (ha:mirror-resume-io)");
        return "volume " + config.name() + ": writes resumed; the peer is NOT confirmed Outdated";
    }

    /**
     * The peer primary lost the link and asks this leg to mark itself Outdated (over the fencing path). Refused
     * when this leg is primary or has seen a newer epoch than the requester's; otherwise the mark is persisted
     * before the answer, and a replication link still up from this side is dropped (the next connect resyncs).
     */
    public PeerFencer.Result outdateByPeer(PeerFencer.OutdateRequest request) {
        if (!request.volume().equals(config.name())) {
            return PeerFencer.Result.notConfirmed("no volume " + request.volume() + " here");
        }
        LegCore.OutdateAnswer a;
        PeerLink l;
        synchronized (stateLock) {
            a = core.outdateRequest(request.primaryEpoch());
            l = link;
        }
        if (!a.confirmed()) {
            if (a.detail().startsWith("persisting")) {
                LOG.error("Mirror volume {}: cannot persist the Outdated mark the primary asked for: {}",
                        config.name(), a.detail());
            }
            return PeerFencer.Result.notConfirmed(a.detail());
        }
        if (a.marked()) {
            LOG.warn("Mirror volume {}: marked Outdated by the primary, which lost the replication link and "
                    + "keeps writing: this leg refuses promotion until it resyncs from the primary", config.name());
        }
        if (l != null) {
            l.fail("the primary asked to outdate this leg (it lost the replication link)");
        }
        return PeerFencer.Result.outdated(a.detail());
    }

    /** For status: why writes are (or were) acknowledged without the peer, if so. */
    private Optional<String> fencingAlert() {
        Suspension s = core.suspension();
        if (s != null) {
            return Optional.of(s.describe(config.name(), core.now()));
        }
        return core.unconfirmedFence();
    }

    private void checkRange(long offset, long length) throws BlockDeviceException {
        if (offset < 0 || length < 0 || offset > config.size() || length > config.size() - offset) {
            throw new BlockDeviceException(BlockError.INVALID, "range beyond the end of volume " + config.name());
        }
    }

    void markDirtyQuietly(long offset, long length) {
        try {
            bitmap.markDirty(offset, length);
        } catch (IOException e) {
            LOG.error("Mirror volume {}: cannot persist the dirty bitmap ({}); a full resync will be needed",
                    config.name(), e.toString());
        }
    }

    // ------------------------------------------------------------------ roles and the volume lock

    /**
     * Makes this leg primary. Requires quorum, an epoch not older than any seen at an earlier promotion, an
     * up-to-date disk, and a peer that is not primary.
     */
    public void promote(FencingEpoch epoch) throws MirrorException {
        promote(epoch, false);
    }

    /**
     * As {@link #promote(FencingEpoch)}; {@code force} also promotes a leg marked Outdated, which loses the writes
     * its old primary acknowledged after the link was lost.
     */
    public void promote(FencingEpoch epoch, boolean force) throws MirrorException {
        if (!force && config.replicated() && core.meta().gi().justCreated() && link == null && wantConnected) {
            // a new volume is promoted fresh only with its new peer connected (LegCore.promote): right after
            // both nodes created it the link may still be coming up, so give it the peer timeout
            try {
                awaitConnected(config.peerTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long heardMs = awaitPrimaryPeerAliveOrDropped();
        synchronized (stateLock) {
            PeerLink l = link;
            if (l != null && l.up() && core.peerRole().orElse(null) == Role.PRIMARY) {
                throw new MirrorException(PromotionWait.peerIsPrimary(config.name(), heardMs));
            }
            boolean connected = l != null && l.up();
            LegCore.Promotion p;
            try {
                if (core.role() != Role.PRIMARY) {
                    BootId.record(config.metaDir(), BootId.current()); // before the promotion is persisted
                }
                p = core.promote(epoch, force, gate.quorate(), gate.epoch(), connected, System.currentTimeMillis());
            } catch (IOException e) {
                throw new MirrorException("cannot promote " + config.name() + ": metadata write failed: " + e, e);
            }
            if (p instanceof LegCore.Refused r) {
                throw new MirrorException(r.reason());
            }
            LegCore.Promoted done = (LegCore.Promoted) p;
            if (done.again()) {
                return;
            }
            if (done.forced() != null) {
                LOG.error("Mirror volume {}: {}", config.name(), done.forced());
            }
            LOG.info("Mirror volume {}: promoted to primary with {} (peer {})", config.name(), epoch,
                    connected ? "connected" : "not connected: changes are tracked for a later resync");
            if (done.suspendWrites()) {
                synchronized (fenceLock) {
                    startFencing(core.suspension());
                }
            }
            if (done.reconnect()) {
                // a fresh volume: reconnect so the handshake starts the full initial sync; the peer hears first
                // that this leg is primary, so it cannot be promoted fresh itself on what it knew of this one
                l.send(FrameType.ROLE, new byte[] {1});
                l.fail("new primary on a fresh volume: reconnecting for the initial sync");
            } else if (done.announce()) {
                l.send(FrameType.ROLE, new byte[] {1});
            }
        }
    }

    /**
     * A connected primary peer refuses a promotion, but a frozen one (SIGSTOP, a hung VM) is connected until
     * nothing has arrived from it for the silence limit. Instead of refusing at once (the failover would retry or
     * give up), wait until the peer shows it is alive (something arrives: the promotion is refused) or the link is
     * dropped (the promotion goes on under the usual rules), at most the silence limit. Returns how long ago the
     * peer was last heard from (ms), -1 when no primary peer is connected.
     */
    private long awaitPrimaryPeerAliveOrDropped() {
        PeerLink l = link;
        if (l == null || !l.up() || core.peerRole().orElse(null) != Role.PRIMARY) {
            return -1;
        }
        PromotionWait w = new PromotionWait(config.peerSilenceLimit());
        while (link == l && l.up() && core.peerRole().orElse(null) == Role.PRIMARY) {
            if (w.peerAnsweredOrGaveUp(l.rawIn.blockedNanos())) {
                break;
            }
            try {
                Thread.sleep(PromotionWait.POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (link != l || !l.up()) {
            LOG.warn("Mirror volume {}: the primary peer was silent, dropped after {} ms of this promotion's wait: {}",
                    config.name(), w.waitedMs(), l.failReason);
        }
        return TimeUnit.NANOSECONDS.toMillis(l.rawIn.blockedNanos());
    }

    /** Stops accepting writes at once, waits for writes in flight, then records a clean secondary. */
    public void demote(Duration timeout) throws MirrorException {
        synchronized (stateLock) {
            boolean wasPrimary = core.demote();
            wakeSuspendedWriters();
            if (!wasPrimary) {
                return;
            }
            String a = alert;
            if (a != null && a.startsWith(BOTH_PRIMARY)) {
                alert = null; // no longer true here; still StandAlone until ha:mirror-connect
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (inFlightWrites.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MirrorException("interrupted while demoting " + config.name(), e);
                }
            }
            PeerLink pl = link;
            if (pl != null && inFlightWrites.get() > 0) {
                // found by the simulator: the activity log is cleared below, so writes the peer has not confirmed
                // yet would be in neither the log nor the bitmap if this node stopped before the link failed
                int n = pl.markUnansweredDirty();
                if (n > 0) {
                    LOG.warn("Mirror volume {}: {} writes still unconfirmed by the peer after the demote's wait: "
                            + "their regions stay marked for resync", config.name(), n);
                }
            }
            try {
                data.force();
                bitmap.persistAll();
                al.clear();
                core.demoted();
            } catch (IOException e) {
                throw new MirrorException("demote of " + config.name() + " could not persist metadata: " + e, e);
            }
            PeerLink l = link;
            if (l != null && l.up()) {
                l.send(FrameType.ROLE, new byte[] {0});
            }
            LOG.info("Mirror volume {}: demoted to secondary", config.name());
        }
    }

    /** Called on every quorum change: losing quorum stops writes at once (promotion is needed again). */
    public void quorumChanged(boolean quorate) {
        if (!quorate && core.quorumLost()) {
            LOG.warn("Mirror volume {}: quorum lost: writes refused until this node is promoted again",
                    config.name());
        }
    }

    public Role role() {
        return core.role();
    }

    // ------------------------------------------------------------------ operator actions

    public void connect() {
        alert = null;
        splitBrain = false;
        wantConnected = true;
        if (link == null) {
            connection = ConnectionState.CONNECTING;
        }
    }

    public void disconnect() {
        wantConnected = false;
        PeerLink l = link;
        if (l != null) {
            l.fail("administrative disconnect");
        }
        connection = ConnectionState.STANDALONE;
    }

    /** Chooses this leg as the split-brain victim: its changes are discarded at the next connect. */
    public void discardLocalChanges() throws MirrorException {
        if (core.role() == Role.PRIMARY) {
            throw new MirrorException("demote " + config.name() + " before discarding its changes");
        }
        try {
            synchronized (stateLock) {
                core.discardMyData();
            }
        } catch (IOException e) {
            throw new MirrorException("cannot record the split-brain resolution: " + e, e);
        }
        connect();
    }

    /** Declares the local data bad: a full sync from the peer follows at the next connect. */
    public void invalidate() throws MirrorException {
        if (core.role() == Role.PRIMARY) {
            throw new MirrorException("cannot invalidate " + config.name() + " while primary");
        }
        synchronized (stateLock) {
            try {
                core.invalidate();
            } catch (IOException e) {
                throw new MirrorException("cannot invalidate: " + e, e);
            }
        }
        PeerLink l = link;
        if (l != null) {
            l.fail("local data invalidated: reconnecting for a full sync");
        }
        connect();
    }

    /** Compares SHA-256 checksums of every region on both legs; differing regions are marked dirty. */
    public VerifyResult verify() throws MirrorException {
        PeerLink l = link;
        if (l == null || !l.up() || connection != ConnectionState.CONNECTED) {
            throw new MirrorException("verify needs a connected, in-sync peer (connection is " + connection + ")");
        }
        long start = System.nanoTime();
        connection = ConnectionState.VERIFYING;
        long differing = 0;
        long compared = 0;
        Semaphore window = new Semaphore(RESYNC_WINDOW);
        AtomicLong diff = new AtomicLong();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            for (long bit = 0; bit < bitmap.bitCount() && l.up(); bit++) {
                long off = bitmap.regionOffset(bit);
                int len = bitmap.regionLength(bit);
                window.acquire();
                byte[] local;
                CompletableFuture<byte[]> f;
                synchronized (order) {
                    local = digest(off, len);
                    byte[] prefix = ByteBuffer.allocate(12).putLong(off).putInt(len).array();
                    f = l.request(FrameType.CHECKSUM_REQ, prefix, new byte[0], 0, 0, 0, 0);
                }
                compared++;
                all.add(f.handle((remote, err) -> {
                    window.release();
                    if (err == null && !Arrays.equals(local, remote)) {
                        diff.incrementAndGet();
                        markDirtyQuietly(off, len);
                    }
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(config.ackTimeout().toMillis() * 2,
                    TimeUnit.MILLISECONDS);
            differing = diff.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MirrorException("verify interrupted", e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new MirrorException("verify failed: " + e, e);
        } finally {
            if (connection == ConnectionState.VERIFYING) {
                connection = l.up() ? ConnectionState.CONNECTED : connection;
            }
        }
        if (!l.up()) {
            throw new MirrorException("verify aborted: the peer was lost (" + l.failReason + ")");
        }
        VerifyResult r = new VerifyResult(compared, differing, Duration.ofNanos(System.nanoTime() - start));
        lastVerify = r.toString();
        LOG.info("Mirror volume {}: online verify: {}", config.name(), r);
        return r;
    }

    private byte[] digest(long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        data.read(off, b);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.array());
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public MirrorStatus status() {
        PeerLink l = link;
        boolean up = l != null && l.up();
        long dirty = bitmap.dirtyBytes();
        Resync r = resync;
        long speed = 0;
        Optional<Duration> eta = Optional.empty();
        if (r != null) {
            double secs = (System.nanoTime() - r.startNanos) / 1e9;
            speed = secs > 0 ? (long) (r.doneBytes.get() / secs) : 0;
            if (speed > 0) {
                eta = Optional.of(Duration.ofSeconds(Math.max(0, r.totalBytes - r.doneBytes.get()) / speed));
            }
        }
        MetaState meta = core.meta();
        double pct = meta.disk() == DiskState.INCONSISTENT && meta.gi().justCreated() ? 0
                : 100.0 * (config.size() - Math.min(config.size(), dirty)) / config.size();
        Suspension susp = core.suspension();
        return new MirrorStatus(config.name(), core.role(), core.writable() && (susp == null
                || !susp.timedOut(core.now())), up ? core.peerRole() : Optional.empty(),
                connection, meta.disk(), up ? core.peerDisk() : DiskState.UNKNOWN, pct, dirty, speed, eta,
                totalResyncBytesSent.get(), meta.gi().toString(), Optional.ofNullable(lastVerify),
                combine(Optional.ofNullable(alert), fencingAlert()));
    }

    private static Optional<String> combine(Optional<String> a, Optional<String> b) {
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get() + "; " + b.get());
        }
        return a.isPresent() ? a : b;
    }

    /**
     * True after a connect found both legs changed since they parted and no split-brain policy resolved it: the
     * volume stays StandAlone until an operator resolves it (ha:mirror-resolve-split-brain, or connect).
     */
    public boolean splitBrain() {
        return splitBrain;
    }

    /** True while unconfirmed writes may not be acknowledged (fencing in progress or timed out). */
    public boolean ioSuspended() {
        return core.suspension() != null;
    }

    /** Epoch of the last promotion of this leg (NONE if never promoted). */
    public FencingEpoch promotedEpoch() {
        return new FencingEpoch(core.meta().promotedEpoch());
    }

    public DiskState diskState() {
        return core.disk();
    }

    public GenerationIds generationIds() {
        return core.meta().gi();
    }

    public long dirtyBytes() {
        return bitmap.dirtyBytes();
    }

    /** Resync payload bytes this leg has sent since it was opened. */
    public long resyncBytesSent() {
        return totalResyncBytesSent.get();
    }

    // ------------------------------------------------------------------ networking

    private void startNetworking() throws IOException {
        if (config.listenHost() != null) {
            listener = java.nio.channels.ServerSocketChannel.open().socket(); // accepted sockets have channels
            listener.setReuseAddress(true);
            listener.setReceiveBufferSize(SOCKET_BUFFER); // before bind: accepted sockets inherit it
            listener.bind(new InetSocketAddress(InetAddress.getByName(config.listenHost()), config.listenPort()), 4);
            thread("mirror-accept-" + config.name(), this::acceptLoop);
        }
        thread("mirror-dial-" + config.name(), this::dialLoop);
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.removeIf(x -> !x.isAlive());
        threads.add(t);
        t.start();
    }

    /** Only one side dials, so the two never race into two connections: the one with the smaller address. */
    private boolean dials() {
        if (listener == null) {
            return true;
        }
        String me = config.listenHost() + ":" + listener.getLocalPort();
        String peer = config.peerHost() + ":" + config.peerPort();
        return me.compareTo(peer) < 0;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                if (!wantConnected || link != null || linkBusy) {
                    s.close();
                    continue;
                }
                establish(s);
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("Mirror volume {}: accept failed: {}", config.name(), e.toString());
                }
            }
        }
    }

    private void dialLoop() {
        while (!closed) {
            if (wantConnected && link == null && !linkBusy && dials()) {
                dialOnce();
            }
            try {
                Thread.sleep(config.connectRetry().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void dialOnce() {
        Socket s;
        try {
            s = java.nio.channels.SocketChannel.open().socket(); // a channel's socket: payloads bypass the heap
        } catch (IOException e) {
            LOG.warn("Mirror volume {}: cannot open a socket to dial the peer: {}", config.name(), e.toString());
            return;
        }
        try {
            s.setReceiveBufferSize(SOCKET_BUFFER); // before connect, so the window scale allows it
            s.setSendBufferSize(SOCKET_BUFFER);
            s.connect(new InetSocketAddress(config.peerHost(), config.peerPort()), 2000);
            establish(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private synchronized void establish(Socket s) throws IOException {
        if (link != null || closed) {
            s.close();
            return;
        }
        linkBusy = true;
        try {
            handshake(s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Mirror volume {}: handshake with {} failed: {}", config.name(), s.getRemoteSocketAddress(),
                    e.toString());
            s.close();
        } finally {
            linkBusy = false;
        }
    }

    private int maxFramePayload() {
        return (int) Math.max(MAX_DATA + 64, bitmap.snapshot().length * 8L + 64);
    }

    private void handshake(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        s.setSendBufferSize(SOCKET_BUFFER);
        s.setSoTimeout((int) config.ackTimeout().toMillis());
        SocketInput rawIn = new SocketInput(s.getInputStream(), s.getChannel(), 256 * 1024);
        FrameReader reader = new FrameReader(rawIn, maxFramePayload());
        FrameWriter writer = new FrameWriter(s.getOutputStream(), s.getChannel());
        if (config.clusterKey() != null) {
            reader.setKey(config.clusterKey());
            writer.setKey(config.clusterKey());
        }
        byte[] nonce = new byte[Hello.NONCE_BYTES];
        random.nextBytes(nonce);
        LegInfo mine = core.hello(bitmap.dirtyRegions());
        writer.send(FrameType.HELLO, 0, new Hello(config.name(), config.size(), config.granularity(), mine, nonce)
                .encode());
        Frame f = reader.expect(FrameType.HELLO);
        Optional<Hello> h = Hello.decode(f.payload());
        if (h.isEmpty()) {
            throw new IOException("malformed HELLO from the peer");
        }
        Hello peer = h.get();
        if (peer.level() != Hello.LEVEL && loggedPeerLevel != peer.level()) {
            loggedPeerLevel = peer.level();
            LOG.info("Volume {}: the peer speaks mirror protocol level {}, this node {}: both use level {} (what a "
                    + "newer level adds stays off until both legs run it)", config.name(), peer.level(), Hello.LEVEL,
                    Math.min(peer.level(), Hello.LEVEL));
        }
        if (!peer.volume().equals(config.name()) || peer.size() != config.size()
                || peer.granularity() != config.granularity()) {
            standAlone("peer volume '" + peer.volume() + "' (" + peer.size() + " bytes, granularity "
                    + peer.granularity() + ") does not match this one");
            throw new IOException(alert);
        }
        if (config.clusterKey() != null) {
            byte[] session = sessionKey(config.clusterKey(), nonce, peer.nonce());
            reader.setKey(session);
            writer.setKey(session);
        }
        LegCore.Handshake hs;
        synchronized (stateLock) {
            // a sync target persists Inconsistent here, before our BITMAP goes out (see LegCore.plan)
            hs = core.plan(mine, peer.leg());
        }
        if (hs.plan() == null) {
            standAlone(hs.standAlone());
            throw new IOException(alert);
        }
        SyncPlanner.Plan plan = hs.plan();
        writer.send(FrameType.BITMAP, 0, longsToBytes(bitmap.snapshot()));
        Frame bf = reader.expect(FrameType.BITMAP);
        long[] peerWords = bytesToLongs(bf.payload());
        if (peerWords == null || peerWords.length != bitmap.snapshot().length) {
            throw new IOException("malformed BITMAP from the peer");
        }
        SyncDecision d = plan.decision();
        if (hs.standAlone() != null) {
            splitBrain = plan.splitBrainDetected();
            standAlone(hs.standAlone());
            LOG.error("Mirror volume {}: {} (local ids {}, peer ids {})", config.name(), plan.reason(), core.meta().gi(),
                    peer.leg().gi());
            throw new IOException(plan.reason());
        }
        if (plan.splitBrainDetected()) {
            LOG.warn("Mirror volume {}: {}", config.name(), plan.reason());
        }
        synchronized (order) {
            Suspension susp;
            synchronized (stateLock) {
                // promoted, demoted, outdated or invalidated while we talked: the decision is stale (throws)
                susp = core.connected(mine, peer.leg(), d);
            }
            if (d.isFull()) {
                bitmap.setAll();
            } else if (d != SyncDecision.NONE) {
                bitmap.or(peerWords);
            }
            s.setSoTimeout((int) Math.max(config.ackTimeout().toMillis(), 3000));
            // from now on large payloads (writes, resync data) are read into one reused direct buffer, and all
            // reads go through the channel (no SO_TIMEOUT: the ping thread watches for a silent peer instead)
            reader.directPayloads(DIRECT_FRAME_PAYLOAD);
            rawIn.readThroughChannel();
            PeerLink l = new PeerLink(this, s, rawIn, reader, writer);
            connection = d.isSource() ? ConnectionState.SYNC_SOURCE
                    : d.isTarget() ? ConnectionState.SYNC_TARGET : ConnectionState.CONNECTED;
            link = l;
            if (susp != null) {
                // the peer is connected again: unconfirmed writes are in the bitmap we just exchanged (sync source)
                suspensionEnded(susp, "the replication link is back");
            }
            LOG.info("Mirror volume {}: connected to {}: {} ({} dirty bytes)", config.name(),
                    s.getRemoteSocketAddress(), plan.reason(), bitmap.dirtyBytes());
            thread("mirror-recv-" + config.name(), () -> receiveLoop(l));
            thread("mirror-ping-" + config.name(), () -> pingLoop(l));
            if (d.isSource()) {
                thread("mirror-resync-" + config.name(), () -> resyncLoop(l));
            }
        }
    }

    static byte[] sessionKey(byte[] key, byte[] a, byte[] b) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update("duplex-mirror-session".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
            m.update(aFirst ? a : b);
            m.update(aFirst ? b : a);
            return m.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }


    private void standAlone(String reason) {
        alert = reason;
        wantConnected = false;
        connection = ConnectionState.STANDALONE;
    }

    static byte[] longsToBytes(long[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 8);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }

    static long[] bytesToLongs(byte[] bytes) {
        if (bytes.length % 8 != 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long[] out = new long[bytes.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        return out;
    }

    void linkDown(PeerLink l, String reason) {
        synchronized (stateLock) {
            if (link != l) {
                return;
            }
            link = null;
            resync = null;
            try {
                bitmap.persistAll();
                core.linkDown();
            } catch (IOException e) {
                LOG.error("Mirror volume {}: metadata write failed after losing the peer: {}", config.name(),
                        e.toString());
            }
            if (connection != ConnectionState.STANDALONE) {
                connection = wantConnected && !closed ? ConnectionState.CONNECTING : ConnectionState.STANDALONE;
            }
        }
        if (!closed) {
            LOG.warn("Mirror volume {}: peer connection lost: {}; {}", config.name(), reason,
                    core.role() == Role.PRIMARY ? "writes continue and are tracked in the dirty bitmap" : "waiting");
        }
    }

    /**
     * Pings the peer every fifth of the peer timeout and watches the link: nothing received for 3/4 of the peer
     * timeout (a frozen or vanished peer: a live one answers every PING), or an answer overdue by more than
     * {@code ackTimeout} (a live peer whose disk is too slow), fails it. Channel reads have no SO_TIMEOUT.
     */
    private void pingLoop(PeerLink l) {
        long ackLimit = config.ackTimeout().toNanos();
        long readLimit = config.peerSilenceLimit().toNanos();
        long pingEvery = Math.max(TimeUnit.MILLISECONDS.toNanos(20),
                Math.min(TimeUnit.SECONDS.toNanos(1), config.peerTimeout().toNanos() / 5));
        long tick = Math.max(10, Math.min(100, TimeUnit.NANOSECONDS.toMillis(readLimit) / 10));
        long nextPing = System.nanoTime() + pingEvery;
        while (l.up() && !closed) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            if (l.oldestPendingNanos() > ackLimit) {
                l.fail("no answer from the peer within " + config.ackTimeout().toMillis() + " ms");
                return;
            }
            if (l.rawIn.blockedNanos() > readLimit) {
                l.fail("nothing received from the peer for " + TimeUnit.NANOSECONDS.toMillis(readLimit)
                        + " ms although it is pinged every " + TimeUnit.NANOSECONDS.toMillis(pingEvery)
                        + " ms (peer process stopped, hung or gone?)");
                return;
            }
            if (System.nanoTime() - nextPing >= 0) {
                l.send(FrameType.PING, new byte[0]);
                nextPing = System.nanoTime() + pingEvery;
            }
        }
    }

    // ------------------------------------------------------------------ receiving side

    private record Ack(int type, long ref) {
    }

    /**
     * Group commit on the receiving leg: the receiver applies writes and queues their acks; this thread forces the
     * disk once for everything queued so far, then sends those acks. While it forces, the receiver keeps applying,
     * so the next force covers a larger batch.
     */
    private void flushLoop(PeerLink l, AckQueue q) {
        List<Ack> batch = new ArrayList<>();
        while (l.up()) {
            try {
                q.takeAll(batch, l);
                if (batch.isEmpty()) {
                    continue;
                }
                data.force();
                for (Ack a : batch) {
                    reply(l, a.type(), a.ref(), new byte[0]);
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.error("Mirror volume {}: forcing the disk failed: {}", config.name(), e.toString());
                for (Ack a : batch) {
                    reply(l, a.type(), a.ref(), new byte[0], (byte) 1);
                }
                l.fail("local I/O error: " + e.getMessage());
                return;
            }
        }
    }

    /** Acks waiting for the next force. */
    private static final class AckQueue {
        private final List<Ack> pending = new ArrayList<>();

        synchronized void add(Ack a) {
            pending.add(a);
            notifyAll();
        }

        synchronized void takeAll(List<Ack> into, PeerLink l) throws InterruptedException {
            while (pending.isEmpty() && l.up()) {
                wait(200);
            }
            into.addAll(pending);
            pending.clear();
        }
    }

    /**
     * Receive-side state (peer.ack = written): writes reached the OS, not yet the disk. As on the primary's own leg
     * (and a local disk with a volatile cache) only FLUSH, FUA, the end of a resync, the primary stepping down and
     * the OS's own write-back force them: forcing on a timer would bind replicated throughput to the disk's
     * bandwidth while the primary's leg runs at page-cache speed.
     */
    /** A disk write that may throw (the peer's WRITE, ZERO or RESYNC_DATA applied to this leg). */
    @FunctionalInterface
    private interface LegWrite {
        void run() throws IOException;
    }

    /**
     * Applies a write from the peer; with {@code peer.ack = written} inside the receive activity log, so that an
     * unclean stop marks its extent for resync (the ack goes out before the data is forced).
     */
    private void applyFromPeer(boolean written, Checkpoint cp, long off, long len, LegWrite write) throws IOException {
        if (written) {
            al.begin(off, len);
            inFlight.begin(off, len);
            write.run(); // a write that fails stays in both logs (conservative): the link closes
            inFlight.end(off, len);
            al.end(off, len);
            cp.written();
        } else {
            write.run();
        }
    }

    private static final class Checkpoint {
        private boolean unforced;

        void written() {
            unforced = true;
        }
    }

    /**
     * Forces the data written so far. The receive activity log keeps its extents here (emptying it would make every
     * hot extent re-enter it with a forced log write); the maintenance tick retires them once idle and forced.
     */
    private void checkpoint(Checkpoint cp) throws IOException {
        data.force();
        cp.unforced = false;
    }

    private static final byte[] NO_BODY = new byte[0];

    /** Acks now (buffered: flushed before the receive loop next waits for input) or after the next force. */
    private static void ack(PeerLink l, AckQueue acks, boolean now, int type, long seq) {
        if (now) {
            byte[] prefix = ByteBuffer.allocate(9).putLong(seq).put((byte) 0).array();
            try {
                l.writer.send(type, 0, prefix, NO_BODY, 0, 0, null, false);
            } catch (IOException e) {
                l.fail("send failed: " + e.getMessage());
            }
        } else {
            acks.add(new Ack(type, seq));
        }
    }

    private record Range(long offset, int length) {
    }

    /** The (offset, length) a CHECKSUM_REQ or READ_REQ asks for; null after failing the link on a bad one. */
    private Range requestedRange(PeerLink l, byte[] payload, String what) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        if (b.remaining() != 12) {
            l.fail("malformed " + what);
            return null;
        }
        long off = b.getLong();
        int len = b.getInt();
        if (len < 0 || len > MAX_DATA || !inRange(off, len)) {
            l.fail(what + " out of range");
            return null;
        }
        return new Range(off, len);
    }

    private void receiveLoop(PeerLink l) {
        // NBD replies completed by the peer's acks are flushed once per batch of acks, not once each
        CompletionBatch replies = CompletionBatch.begin();
        try {
            receiveFrames(l, replies);
        } finally {
            replies.end();
        }
    }

    private void receiveFrames(PeerLink l, CompletionBatch replies) {
        AckQueue acks = new AckQueue();
        boolean written = config.peerAck() == PeerAck.WRITTEN;
        Checkpoint cp = new Checkpoint();
        thread("mirror-flush-" + config.name(), () -> flushLoop(l, acks));
        while (l.up()) {
            try {
                if (l.rawIn.buffered() == 0) {
                    // all that the last read brought is handled: send the batched acks / NBD replies before the
                    // next read (asking the socket whether more is waiting would cost a system call per batch)
                    l.writer.flush();
                    replies.flush();
                }
            } catch (IOException e) {
                l.fail("send failed: " + e.getMessage());
                return;
            }
            FrameReader.Result r = l.reader.read();
            if (r instanceof FrameReader.Bad bad) {
                l.fail(bad.reason());
                return;
            }
            Frame f = ((FrameReader.Ok) r).frame();
            try {
                switch (f.type()) {
                    case FrameType.WRITE: {
                        ByteBuffer b = f.body().duplicate(); // a large one: the reader's direct buffer
                        if (b.remaining() < 9) {
                            l.fail("malformed WRITE");
                            return;
                        }
                        long off = b.getLong();
                        boolean fua = b.get() != 0;
                        if (!inRange(off, b.remaining())) {
                            l.fail("peer WRITE beyond the end of the volume");
                            return;
                        }
                        int len = b.remaining();
                        applyFromPeer(written, cp, off, len, () -> data.write(off, b));
                        ack(l, acks, written && !fua, FrameType.WRITE_ACK, f.seq());
                        if (written && len >= LARGE_WRITE) {
                            l.writer.flush(); // a large write: its ack should not wait for the next frame's tail
                        }
                        break;
                    }
                    case FrameType.ZERO: {
                        ByteBuffer b = ByteBuffer.wrap(f.payload());
                        if (b.remaining() != 17) {
                            l.fail("malformed ZERO");
                            return;
                        }
                        long off = b.getLong();
                        long len = b.getLong();
                        boolean fua = b.get() != 0;
                        if (!inRange(off, len)) {
                            l.fail("peer ZERO beyond the end of the volume");
                            return;
                        }
                        applyFromPeer(written, cp, off, len, () -> data.zero(off, len));
                        ack(l, acks, written && !fua, FrameType.WRITE_ACK, f.seq());
                        break;
                    }
                    case FrameType.RESYNC_DATA: {
                        ByteBuffer b = f.body().duplicate();
                        if (b.remaining() < 8) {
                            l.fail("malformed RESYNC_DATA");
                            return;
                        }
                        long off = b.getLong();
                        if (off < 0 || off % config.granularity() != 0 || !inRange(off, b.remaining())
                                || b.remaining() != bitmap.regionLength(off / config.granularity())) {
                            l.fail("peer RESYNC_DATA not on a region boundary");
                            return;
                        }
                        applyFromPeer(written, cp, off, b.remaining(), () -> data.write(off, b));
                        bitmap.clear(off / config.granularity());
                        ack(l, acks, written, FrameType.RESYNC_ACK, f.seq());
                        break;
                    }
                    case FrameType.FLUSH:
                        if (written) {
                            checkpoint(cp); // forced here, on the thread that applies writes, then acknowledged
                            reply(l, FrameType.FLUSH_ACK, f.seq(), new byte[0]);
                        } else {
                            acks.add(new Ack(FrameType.FLUSH_ACK, f.seq()));
                        }
                        break;
                    case FrameType.RESYNC_DONE: {
                        if (f.payload().length != 8) {
                            l.fail("malformed RESYNC_DONE");
                            return;
                        }
                        long current = ByteBuffer.wrap(f.payload()).getLong();
                        checkpoint(cp);
                        synchronized (stateLock) {
                            bitmap.clearAll();
                            core.resyncDoneAsTarget(current);
                            if (link == l) {
                                connection = ConnectionState.CONNECTED;
                            }
                        }
                        LOG.info("Mirror volume {}: resync from the peer finished; this leg is up to date",
                                config.name());
                        break;
                    }
                    case FrameType.CHECKSUM_REQ: {
                        Range asked = requestedRange(l, f.payload(), "CHECKSUM_REQ");
                        if (asked == null) {
                            return;
                        }
                        reply(l, FrameType.CHECKSUM_REPLY, f.seq(), digest(asked.offset(), asked.length()));
                        break;
                    }
                    case FrameType.READ_REQ: {
                        Range asked = requestedRange(l, f.payload(), "READ_REQ");
                        if (asked == null) {
                            return;
                        }
                        ByteBuffer d = ByteBuffer.allocate(asked.length());
                        data.read(asked.offset(), d);
                        reply(l, FrameType.READ_DATA, f.seq(), d.array());
                        break;
                    }
                    case FrameType.WRITE_ACK:
                    case FrameType.RESYNC_ACK:
                    case FrameType.FLUSH_ACK:
                    case FrameType.CHECKSUM_REPLY:
                    case FrameType.READ_DATA:
                        l.answer(f.payload());
                        break;
                    case FrameType.PING:
                        l.send(FrameType.PONG, new byte[0]);
                        break;
                    case FrameType.PONG:
                        break;
                    case FrameType.ROLE:
                        if (f.payload().length != 1) {
                            l.fail("malformed ROLE");
                            return;
                        }
                        boolean peerPrimary = f.payload()[0] == 1;
                        if (!peerPrimary && written) {
                            checkpoint(cp); // the primary stepped down: what it sent is forced here too
                        }
                        String both = core.peerRole(peerPrimary);
                        if (both != null) {
                            standAlone(both);
                            LOG.error("Mirror volume {}: {}", config.name(), alert);
                            l.fail(alert);
                            return;
                        }
                        break;
                    default:
                        l.fail("unexpected " + FrameType.name(f.type()) + " after the handshake");
                        return;
                }
            } catch (IOException e) {
                LOG.error("Mirror volume {}: local I/O failed applying {} from the peer: {}", config.name(),
                        FrameType.name(f.type()), e.toString());
                if (f.type() == FrameType.WRITE || f.type() == FrameType.RESYNC_DATA || f.type() == FrameType.ZERO) {
                    reply(l, ackTypeFor(f.type()), f.seq(), new byte[0], (byte) 1);
                }
                l.fail("local I/O error: " + e.getMessage());
                return;
            }
        }
    }

    private static int ackTypeFor(int type) {
        return type == FrameType.RESYNC_DATA ? FrameType.RESYNC_ACK : FrameType.WRITE_ACK;
    }

    private static void reply(PeerLink l, int type, long ref, byte[] body) {
        reply(l, type, ref, body, (byte) 0);
    }

    private static void reply(PeerLink l, int type, long ref, byte[] body, byte status) {
        byte[] prefix = ByteBuffer.allocate(9).putLong(ref).put(status).array();
        try {
            l.writer.send(type, 0, prefix, body, 0, body.length, null);
        } catch (IOException e) {
            l.fail("send failed: " + e.getMessage());
        }
    }

    private boolean inRange(long off, long len) {
        return off >= 0 && len >= 0 && off <= config.size() && len <= config.size() - off;
    }

    // ------------------------------------------------------------------ resync (sending side)

    private void resyncLoop(PeerLink l) {
        Resync r = new Resync(bitmap.dirtyBytes());
        resync = r;
        RateLimiter limiter = new RateLimiter(config.resyncRate());
        Semaphore window = new Semaphore(RESYNC_WINDOW);
        java.util.Set<Long> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
        LOG.info("Mirror volume {}: resync of {} bytes to the peer started{}", config.name(), r.totalBytes,
                config.resyncRate() > 0 ? " at up to " + config.resyncRate() / 1048576 + " MiB/s" : "");
        try {
            while (l.up() && !closed) {
                boolean found = false;
                for (long bit = 0; bit < bitmap.bitCount() && l.up(); bit++) {
                    if (!bitmap.isSet(bit) || inFlight.contains(bit)) {
                        continue;
                    }
                    found = true;
                    long off = bitmap.regionOffset(bit);
                    int len = bitmap.regionLength(bit);
                    limiter.acquire(len, () -> l.up() && !closed);
                    window.acquire();
                    inFlight.add(bit);
                    final long b = bit;
                    CompletableFuture<byte[]> f;
                    synchronized (order) {
                        ByteBuffer buf = ByteBuffer.allocate(len);
                        data.read(off, buf);
                        f = l.request(FrameType.RESYNC_DATA, ByteBuffer.allocate(8).putLong(off).array(), buf.array(),
                                0, len, 0, 0);
                    }
                    l.resyncBytesSent.addAndGet(len);
                    totalResyncBytesSent.addAndGet(len);
                    f.whenComplete((v, e) -> {
                        if (e == null) {
                            bitmap.clear(b);
                            r.doneBytes.addAndGet(len);
                        }
                        inFlight.remove(b);
                        window.release();
                    });
                }
                if (!found) {
                    window.acquire(RESYNC_WINDOW);
                    window.release(RESYNC_WINDOW);
                    if (inFlight.isEmpty() && bitmap.dirtyRegions() == 0) {
                        break;
                    }
                }
            }
            if (!l.up() || closed) {
                return;
            }
            synchronized (stateLock) {
                bitmap.persistAll();
                core.resyncDoneAsSource();
                l.send(FrameType.RESYNC_DONE, ByteBuffer.allocate(8).putLong(core.meta().gi().current()).array());
                resync = null;
                if (link == l) {
                    connection = ConnectionState.CONNECTED;
                }
            }
            LOG.info("Mirror volume {}: resync finished: {} bytes sent in {} ms", config.name(),
                    l.resyncBytesSent.get(), (System.nanoTime() - r.startNanos) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            l.fail("resync read failed: " + e.getMessage());
        }
    }

    /** Fixed-rate limiter (bytes per second, 0 = unlimited). */
    private static final class RateLimiter {
        private final long rate;
        private final long start = System.nanoTime();
        private long granted;

        RateLimiter(long rate) {
            this.rate = rate;
        }

        void acquire(long bytes, java.util.function.BooleanSupplier alive) throws InterruptedException {
            if (rate <= 0) {
                return;
            }
            granted += bytes;
            long due = start + (long) (granted * 1e9 / rate);
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && alive.getAsBoolean()) {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Test and tool hook: wait until the link is connected and in sync, or the timeout passes. */
    public boolean awaitInSync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (connection == ConnectionState.CONNECTED && core.peerDisk() == DiskState.UP_TO_DATE
                    && core.disk() == DiskState.UP_TO_DATE && link != null) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Test and tool hook: wait until the peer is connected (whatever the sync state). */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (link != null) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    public ConnectionState connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        if (core.role() == Role.PRIMARY) {
            try {
                demote(Duration.ofSeconds(5));
            } catch (MirrorException e) {
                LOG.warn("Mirror volume {}: clean demote at close failed: {}", config.name(), e.getMessage());
            }
        }
        closed = true;
        wantConnected = false;
        if (listener != null) {
            listener.close();
        }
        PeerLink l = link;
        if (l != null) {
            l.fail("volume closed");
        }
        // No interrupts: they would abort file I/O half way. Every loop checks 'closed' within a second.
        for (Thread t : threads) {
            try {
                t.join(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        java.util.concurrent.ExecutorService fw = fenceWaiters;
        if (fw != null) {
            fw.shutdown();
        }
        bitmap.persistAll();
        data.force();
        if (threads.stream().filter(t -> t.getName().startsWith("mirror-recv-")).noneMatch(Thread::isAlive)) {
            al.clear(); // everything received is forced: a clean stop needs no resync
        }
        data.close();
        bitmap.close();
        al.close();
        inFlight.close();
    }
}
