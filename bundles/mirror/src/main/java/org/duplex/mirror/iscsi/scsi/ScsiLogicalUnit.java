package org.duplex.mirror.iscsi.scsi;

import static org.duplex.mirror.iscsi.scsi.BigEndian.put16;
import static org.duplex.mirror.iscsi.scsi.BigEndian.put32;
import static org.duplex.mirror.iscsi.scsi.BigEndian.put64;
import static org.duplex.mirror.iscsi.scsi.BigEndian.u16;
import static org.duplex.mirror.iscsi.scsi.BigEndian.u32;
import static org.duplex.mirror.iscsi.scsi.BigEndian.u64;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.block.BlockError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LUN 0 of a target: SCSI block commands (SBC-3/SPC-4 subset) mapped onto a {@link BlockDevice} with 512-byte
 * logical blocks. Pure with respect to the transport: a CDB and the Data-Out bytes in, a {@link ScsiResult} out.
 * Never throws: a device failure becomes sense data an initiator retries (ABORTED COMMAND, NOT READY), never a
 * GOOD status for a write that did not happen.
 */
public final class ScsiLogicalUnit {
    private static final Logger LOG = LoggerFactory.getLogger(ScsiLogicalUnit.class);
    public static final int BLOCK = 512;
    /** 4 KiB physical blocks: initiators align to them. */
    static final int PHYSICAL_EXPONENT = 3;
    /** WRITE SAME of a non-zero pattern is written in chunks of this size. */
    static final int WRITE_SAME_CHUNK = 1 << 20;
    static final long MAX_UNMAP_BLOCKS = 1L << 20;
    static final int MAX_UNMAP_DESCRIPTORS = 256;
    /** MAXIMUM COMPARE AND WRITE LENGTH of the Block Limits page (the NUMBER OF LOGICAL BLOCKS field is 8 bits). */
    static final int MAX_COMPARE_AND_WRITE_BLOCKS = 255;

    private final BlockDevice device;
    private final String name;
    private final long blocks;
    private final int maxTransferBlocks;
    /** As large as one transfer: initiators that set up a WRITE SAME test with one WRITE stay within limits. */
    private final long maxWriteSameBlocks;
    private final byte[] serial;
    private final byte[] naa;
    private final String targetIqn;
    private final java.util.concurrent.atomic.AtomicInteger internalFailures = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Shared by every session of the target: COMPARE AND WRITE holds it exclusively between its read and its write,
     * the commands that write hold it shared, so no other session's write lands in between.
     */
    private final ReadWriteLock atomicity;
    private final PersistentReservations reservations;
    /** This session's I_T nexus: the initiator port name ({@code InitiatorName,i,0xISID}). */
    private final String nexus;

    /**
     * @param name             the volume's name (for logs)
     * @param targetIqn        the target's IQN (the SCSI name designator)
     * @param maxTransferBytes the largest READ/WRITE accepted, as advertised in the Block Limits page
     */
    public ScsiLogicalUnit(BlockDevice device, String name, String targetIqn, int maxTransferBytes) {
        this(device, name, targetIqn, maxTransferBytes, new ReentrantReadWriteLock());
    }

    public ScsiLogicalUnit(BlockDevice device, String name, String targetIqn, int maxTransferBytes,
                           ReadWriteLock atomicity) {
        this(device, name, targetIqn, maxTransferBytes, atomicity, new PersistentReservations(), "local");
    }

    /**
     * @param atomicity    the target's lock, one for all the sessions on the device (see {@code IscsiTarget})
     * @param reservations the target's persistent reservations, shared by its sessions
     * @param nexus        this session's initiator port name
     */
    public ScsiLogicalUnit(BlockDevice device, String name, String targetIqn, int maxTransferBytes,
                           ReadWriteLock atomicity, PersistentReservations reservations, String nexus) {
        this.atomicity = java.util.Objects.requireNonNull(atomicity, "atomicity");
        this.reservations = java.util.Objects.requireNonNull(reservations, "reservations");
        this.nexus = java.util.Objects.requireNonNull(nexus, "nexus");
        this.device = device;
        this.name = name;
        this.targetIqn = targetIqn;
        this.blocks = device.size() / BLOCK;
        this.maxTransferBlocks = maxTransferBytes / BLOCK;
        this.maxWriteSameBlocks = maxTransferBlocks;
        byte[] h = sha256(targetIqn);
        this.serial = HexFormat.of().formatHex(h, 0, 8).getBytes(StandardCharsets.US_ASCII);
        this.naa = Arrays.copyOf(h, 8);
        naa[0] = (byte) (0x30 | (naa[0] & 0x0f)); // NAA 3: locally assigned
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commands that ended in an internal error (a bug: the fuzz tests assert there are none). */
    public int internalFailures() {
        return internalFailures.get();
    }

    public long blocks() {
        return blocks;
    }

    /** Whether a command with this opcode carries Data-Out (the transport gathers it first). */
    public static boolean writesData(int opcode) {
        switch (opcode) {
            case 0x0a: case 0x2a: case 0xaa: case 0x8a: case 0x41: case 0x93: case 0x42: case 0x2f: case 0x8f:
            case 0xaf: case 0x15: case 0x55: case 0x2e: case 0xae: case 0x8e: case 0x89: case 0x5f:
                return true;
            default:
                return false;
        }
    }

    /**
     * The Data-Out bytes the CDB itself asks for (transfer length x block size, a parameter list length), or -1
     * for commands this unit does not know: the transport compares it with the initiator's Expected Data Transfer
     * Length to report residuals.
     */
    public static long dataOutLength(byte[] cdb) {
        int op = cdb[0] & 0xff;
        switch (op) {
            case 0x0a:
                return len6(cdb) * BLOCK;
            case 0x2a:
            case 0x2e:
                return (long) u16(cdb, 7) * BLOCK;
            case 0xaa:
            case 0xae:
                return u32(cdb, 6) * BLOCK;
            case 0x8a:
            case 0x8e:
                return u32(cdb, 10) * BLOCK;
            case 0x2f:
                return ((cdb[1] >> 1) & 3) == 1 ? (long) u16(cdb, 7) * BLOCK : 0;
            case 0xaf:
                return ((cdb[1] >> 1) & 3) == 1 ? u32(cdb, 6) * BLOCK : 0;
            case 0x8f:
                return ((cdb[1] >> 1) & 3) == 1 ? u32(cdb, 10) * BLOCK : 0;
            case 0x41:
                return BLOCK;
            case 0x93:
                return (cdb[1] & 0x01) != 0 ? 0 : BLOCK;
            case 0x42:
                return u16(cdb, 7);
            case 0x5f:
                return u32(cdb, 5);
            case 0x89: // COMPARE AND WRITE: the blocks to compare, then the blocks to write
                return 2L * (cdb[13] & 0xff) * BLOCK;
            default:
                return -1;
        }
    }

    /**
     * Whether {@link #executeAsync} would hand this command to the device without waiting: a plain WRITE (6/10/12/16)
     * without FUA or WRPROTECT, of a device whose writes complete later (a replicated volume), in range, on LUN 0.
     */
    public boolean writesAsync(long lun, byte[] cdb) {
        int op = cdb[0] & 0xff;
        if (lun != 0 || !device.asyncWrites() || op != 0x2a && op != 0xaa && op != 0x8a) {
            return false;
        }
        return (cdb[1] & 0xe8) == 0; // neither WRPROTECT nor FUA
    }

    /**
     * A plain write started on the device (see {@link #writesAsync}); the future completes with its result once the
     * device may acknowledge it (never exceptionally: refusals and I/O errors become sense as in {@link #execute}).
     * Anything the checks refuse, or a command that is not such a write, completes at once through execute.
     */
    public java.util.concurrent.CompletableFuture<ScsiResult> executeAsync(long lun, byte[] cdb, byte[] dataOut) {
        int op = cdb[0] & 0xff;
        if (!writesAsync(lun, cdb)) {
            return java.util.concurrent.CompletableFuture.completedFuture(execute(lun, cdb, dataOut));
        }
        long lba = op == 0x2a ? u32(cdb, 2) : op == 0xaa ? u32(cdb, 2) : u64(cdb, 2);
        long count = op == 0x2a ? u16(cdb, 7) : op == 0xaa ? u32(cdb, 6) : u32(cdb, 10);
        Optional<Sense> notServing = notServing();
        if (notServing.isPresent() || !reservations.allowed(nexus, access(op)) || !inRange(lba, count)
                || count > maxTransferBlocks || count == 0 || device.readOnly() || dataOut.length != count * BLOCK) {
            return java.util.concurrent.CompletableFuture.completedFuture(execute(lun, cdb, dataOut));
        }
        java.util.concurrent.CompletableFuture<Void> f;
        Lock lock = atomicity.readLock();
        lock.lock();
        try {
            f = device.writeAsync(lba * BLOCK, ByteBuffer.wrap(dataOut), false);
        } catch (BlockDeviceException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(refused(op, e));
        } catch (IOException e) {
            LOG.warn("iSCSI volume {}: {} failed: {} (initiator will retry)", name, opName(op), e.toString());
            return java.util.concurrent.CompletableFuture.completedFuture(
                    ScsiResult.check(Sense.WRITE_ERROR_RETRYABLE));
        } catch (RuntimeException e) {
            internalFailures.incrementAndGet();
            LOG.warn("iSCSI volume {}: {} failed with an internal error", name, opName(op), e);
            return java.util.concurrent.CompletableFuture.completedFuture(
                    ScsiResult.check(Sense.INTERNAL_TARGET_FAILURE));
        } finally {
            lock.unlock();
        }
        return f.handle((v, e) -> {
            if (e == null) {
                return ScsiResult.good();
            }
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (c instanceof BlockDeviceException b) {
                return refused(op, b);
            }
            LOG.warn("iSCSI volume {}: {} failed: {} (initiator will retry)", name, opName(op), c.toString());
            return ScsiResult.check(Sense.WRITE_ERROR_RETRYABLE);
        });
    }

    /** Runs one command. {@code lun} other than 0 answers only INQUIRY, REPORT LUNS and REQUEST SENSE. */
    public ScsiResult execute(long lun, byte[] cdb, byte[] dataOut) {
        return execute(lun, cdb, dataOut, null);
    }

    /**
     * As {@link #execute(long, byte[], byte[])}, but a READ of {@code n} bytes for which {@code readBuffer} returns a
     * buffer (exactly {@code n} bytes remaining; null: a new array as usual) reads the blocks straight into it and
     * answers {@link ScsiResult#good(ByteBuffer)}: a transport reusing one direct buffer per connection reads and
     * sends a large READ without allocating or copying it on the Java heap.
     */
    public ScsiResult execute(long lun, byte[] cdb, byte[] dataOut, IntFunction<ByteBuffer> readBuffer) {
        int op = cdb[0] & 0xff;
        Lock lock = op == 0x89 ? atomicity.writeLock() : writesData(op) ? atomicity.readLock() : null;
        ScsiResult r;
        if (lock == null) {
            r = run(lun, cdb, dataOut, readBuffer);
        } else {
            lock.lock();
            try {
                r = run(lun, cdb, dataOut, readBuffer);
            } finally {
                lock.unlock();
            }
        }
        if (r.status() == ScsiResult.CHECK_CONDITION && LOG.isDebugEnabled()) {
            LOG.debug("iSCSI volume {}: CDB {} ({} bytes of data) -> CHECK CONDITION {}", name,
                    HexFormat.of().formatHex(cdb), dataOut.length, HexFormat.of().formatHex(r.sense(), 0, 14));
        }
        return r;
    }

    private ScsiResult run(long lun, byte[] cdb, byte[] dataOut, IntFunction<ByteBuffer> readBuffer) {
        int op = cdb[0] & 0xff;
        try {
            if (lun != 0) {
                switch (op) {
                    case 0x12:
                        return inquiry(cdb, false);
                    case 0xa0:
                        return reportLuns(cdb);
                    case 0x03:
                        return requestSense(cdb, Sense.LUN_NOT_SUPPORTED);
                    default:
                        return ScsiResult.check(Sense.LUN_NOT_SUPPORTED);
                }
            }
            switch (op) {
                case 0x12:
                    return inquiry(cdb, true);
                case 0xa0:
                    return reportLuns(cdb);
                case 0x03:
                    return requestSense(cdb, notServing().orElse(Sense.NO_ADDITIONAL));
                default:
                    break;
            }
            Optional<Sense> notServing = notServing();
            if (notServing.isPresent()) {
                return ScsiResult.check(notServing.get());
            }
            if (!reservations.allowed(nexus, access(op))) {
                return ScsiResult.conflict();
            }
            switch (op) {
                case 0x5e:
                    return reservations.in(nexus, cdb);
                case 0x5f:
                    return reservations.out(nexus, cdb, dataOut);
                case 0x00: // TEST UNIT READY
                    return ScsiResult.good();
                case 0x25:
                    return readCapacity10();
                case 0x9e:
                    return (cdb[1] & 0x1f) == 0x10 ? readCapacity16(cdb) : ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
                case 0x08:
                    return read(cdb, (((cdb[1] & 0x1f) << 16) | u16(cdb, 2)), len6(cdb), 0, readBuffer);
                case 0x28:
                    return read(cdb, u32(cdb, 2), u16(cdb, 7), cdb[1] & 0xff, readBuffer);
                case 0xa8:
                    return read(cdb, u32(cdb, 2), u32(cdb, 6), cdb[1] & 0xff, readBuffer);
                case 0x88:
                    return read(cdb, u64(cdb, 2), u32(cdb, 10), cdb[1] & 0xff, readBuffer);
                case 0x0a:
                    return write(cdb, (((cdb[1] & 0x1f) << 16) | u16(cdb, 2)), len6(cdb), 0, dataOut);
                case 0x2a:
                    return write(cdb, u32(cdb, 2), u16(cdb, 7), cdb[1] & 0xff, dataOut);
                case 0xaa:
                    return write(cdb, u32(cdb, 2), u32(cdb, 6), cdb[1] & 0xff, dataOut);
                case 0x8a:
                    return write(cdb, u64(cdb, 2), u32(cdb, 10), cdb[1] & 0xff, dataOut);
                case 0x2e:
                    return writeAndVerify(cdb, u32(cdb, 2), u16(cdb, 7), cdb[1] & 0xff, dataOut);
                case 0xae:
                    return writeAndVerify(cdb, u32(cdb, 2), u32(cdb, 6), cdb[1] & 0xff, dataOut);
                case 0x8e:
                    return writeAndVerify(cdb, u64(cdb, 2), u32(cdb, 10), cdb[1] & 0xff, dataOut);
                case 0x89:
                    return compareAndWrite(cdb, dataOut);
                case 0x2f:
                    return verify(u32(cdb, 2), u16(cdb, 7), cdb[1] & 0xff, dataOut);
                case 0xaf:
                    return verify(u32(cdb, 2), u32(cdb, 6), cdb[1] & 0xff, dataOut);
                case 0x8f:
                    return verify(u64(cdb, 2), u32(cdb, 10), cdb[1] & 0xff, dataOut);
                case 0x35:
                    return synchronizeCache(u32(cdb, 2), u16(cdb, 7));
                case 0x91:
                    return synchronizeCache(u64(cdb, 2), u32(cdb, 10));
                case 0x34:
                    return prefetch(u32(cdb, 2), u16(cdb, 7));
                case 0x90:
                    return prefetch(u64(cdb, 2), u32(cdb, 10));
                case 0x41:
                    return writeSame(cdb, u32(cdb, 2), u16(cdb, 7), dataOut);
                case 0x93:
                    return writeSame(cdb, u64(cdb, 2), u32(cdb, 10), dataOut);
                case 0x42:
                    return unmap(cdb, dataOut);
                case 0x1a:
                    return modeSense(cdb, false);
                case 0x5a:
                    return modeSense(cdb, true);
                default:
                    return ScsiResult.check(Sense.INVALID_OPCODE);
            }
        } catch (BlockDeviceException e) {
            return refused(op, e);
        } catch (IOException e) {
            LOG.warn("iSCSI volume {}: {} failed: {} (initiator will retry)", name, opName(op), e.toString());
            return ScsiResult.check(isWrite(op) ? Sense.WRITE_ERROR_RETRYABLE : Sense.READ_ERROR_RETRYABLE);
        } catch (RuntimeException e) {
            internalFailures.incrementAndGet();
            LOG.warn("iSCSI volume {}: {} failed with an internal error", name, opName(op), e);
            return ScsiResult.check(Sense.INTERNAL_TARGET_FAILURE);
        }
    }

    /** The class of a command in SPC-4's persistent reservation tables (5.13.1). */
    static PersistentReservations.Access access(int op) {
        switch (op) {
            case 0x00: case 0x12: case 0x03: case 0xa0: case 0x25: case 0x9e: case 0x5e: case 0x5f:
                return PersistentReservations.Access.ALWAYS;
            case 0x08: case 0x28: case 0xa8: case 0x88: case 0x2f: case 0xaf: case 0x8f: case 0x34: case 0x90:
            case 0x1a: case 0x5a:
                return PersistentReservations.Access.READ;
            default:
                return PersistentReservations.Access.WRITE;
        }
    }

    private static boolean isWrite(int op) {
        return writesData(op) || op == 0x35 || op == 0x91;
    }

    private static String opName(int op) {
        return String.format("SCSI opcode 0x%02x", op);
    }

    private Optional<Sense> notServing() {
        if (device.standby().isPresent()) {
            return Optional.of(Sense.STANDBY);
        }
        if (device.unavailable().isPresent()) {
            return Optional.of(Sense.NOT_READY_CAUSE_NOT_REPORTABLE);
        }
        return Optional.empty();
    }

    private ScsiResult refused(int op, BlockDeviceException e) {
        BlockError err = e.error();
        switch (err) {
            case NOT_PERMITTED:
                // a demotion under way: a secondary now says standby (the initiator goes to the primary); a
                // primary refusing writes (quorum lost, suspended) says transitioning (the initiator retries)
                LOG.info("iSCSI volume {}: {} refused: {}", name, opName(op), e.getMessage());
                return ScsiResult.check(device.standby().isPresent() ? Sense.STANDBY : Sense.TRANSITIONING);
            case INVALID:
                return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
            case NO_SPACE:
                return ScsiResult.check(Sense.SPACE_ALLOCATION_FAILED);
            default:
                LOG.warn("iSCSI volume {}: {} failed: {} (initiator will retry)", name, opName(op), e.getMessage());
                return ScsiResult.check(isWrite(op) ? Sense.WRITE_ERROR_RETRYABLE : Sense.READ_ERROR_RETRYABLE);
        }
    }

    // ------------------------------------------------------------------ helpers




    private static long len6(byte[] cdb) {
        int n = cdb[4] & 0xff;
        return n == 0 ? 256 : n;
    }




    /** lba + count within the device; an overflowing 64-bit LBA is out of range too. */
    private boolean inRange(long lba, long count) {
        return lba >= 0 && count >= 0 && lba <= blocks && count <= blocks - lba;
    }

    // ------------------------------------------------------------------ commands

    private ScsiResult read(byte[] cdb, long lba, long count, int flags, IntFunction<ByteBuffer> readBuffer)
            throws IOException {
        if ((flags & 0xe0) != 0) { // RDPROTECT: no protection information here
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        if (count > maxTransferBlocks) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        int bytes = (int) count * BLOCK;
        ByteBuffer into = count > 0 && readBuffer != null ? readBuffer.apply(bytes) : null;
        if (into != null) {
            if (into.remaining() != bytes) {
                throw new IllegalStateException("read buffer of " + into.remaining() + " bytes for " + bytes);
            }
            device.read(lba * BLOCK, into.duplicate());
            return ScsiResult.good(into);
        }
        byte[] data = new byte[bytes];
        if (count > 0) {
            device.read(lba * BLOCK, ByteBuffer.wrap(data));
        }
        return ScsiResult.good(data);
    }

    private ScsiResult write(byte[] cdb, long lba, long count, int flags, byte[] dataOut) throws IOException {
        if ((flags & 0xe0) != 0) { // WRPROTECT
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        if (count > maxTransferBlocks) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (device.readOnly()) {
            return ScsiResult.check(Sense.WRITE_PROTECTED);
        }
        int bytes = (int) count * BLOCK;
        if (dataOut.length < bytes) {
            // the initiator's Expected Data Transfer Length is shorter than the CDB: only what it sent is written
            // (SAM-5 5.4.1, RFC 7143 11.4.5.1) and the transport reports the overflow residual, so the initiator
            // learns that the rest was not written; a partial block cannot be written at all
            if (dataOut.length % BLOCK != 0) {
                return ScsiResult.check(Sense.INVALID_FIELD_IN_INFORMATION_UNIT);
            }
            bytes = dataOut.length;
        }
        if (bytes > 0) {
            device.write(lba * BLOCK, ByteBuffer.wrap(dataOut, 0, bytes), (flags & 0x08) != 0);
        }
        return ScsiResult.good();
    }

    /**
     * WRITE AND VERIFY: the write, forced to the medium (as with FUA), then the blocks read back and compared with
     * what was sent (BYTCHK 1) — a MISCOMPARE if the device returned something else.
     */
    private ScsiResult writeAndVerify(byte[] cdb, long lba, long count, int flags, byte[] dataOut) throws IOException {
        int bytchk = (flags >> 1) & 3;
        if (bytchk > 1) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        ScsiResult w = write(cdb, lba, count, (flags & 0xe0) | 0x08, dataOut);
        if (!w.ok() || bytchk == 0) {
            return w;
        }
        int bytes = (int) Math.min((long) count * BLOCK, dataOut.length / BLOCK * (long) BLOCK);
        byte[] disk = new byte[bytes];
        if (bytes > 0) {
            device.read(lba * BLOCK, ByteBuffer.wrap(disk));
        }
        return Arrays.equals(disk, 0, bytes, dataOut, 0, bytes) ? ScsiResult.good()
                : ScsiResult.check(Sense.MISCOMPARE_DURING_VERIFY);
    }

    /**
     * COMPARE AND WRITE (SBC-4 §5.3): the NUMBER OF LOGICAL BLOCKS at the LBA are read and compared with the first
     * half of the Data-Out; only if they are equal is the second half written. Atomic against every other write of
     * the target's sessions (the caller holds the exclusive lock). A miscompare reports the offset of the first
     * differing byte in the INFORMATION field and writes nothing.
     */
    private ScsiResult compareAndWrite(byte[] cdb, byte[] dataOut) throws IOException {
        int flags = cdb[1] & 0xff;
        long lba = u64(cdb, 2);
        int count = cdb[13] & 0xff;
        if ((flags & 0xe0) != 0) { // WRPROTECT: no protection information here
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (count > MAX_COMPARE_AND_WRITE_BLOCKS) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        int bytes = count * BLOCK;
        if (dataOut.length != 2 * bytes) {
            // the initiator sent more or less than the CDB names: which of them is wrong cannot be known, so
            // nothing is compared nor written (the transport reports the residual)
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (count == 0) {
            return ScsiResult.good(); // SBC-4: zero blocks is not an error, nothing is compared or written
        }
        if (device.readOnly()) {
            return ScsiResult.check(Sense.WRITE_PROTECTED);
        }
        byte[] disk = new byte[bytes];
        device.read(lba * BLOCK, ByteBuffer.wrap(disk));
        int mismatch = Arrays.mismatch(disk, 0, bytes, dataOut, 0, bytes);
        if (mismatch >= 0) {
            return ScsiResult.check(Sense.MISCOMPARE_DURING_VERIFY, mismatch);
        }
        device.write(lba * BLOCK, ByteBuffer.wrap(dataOut, bytes, bytes), (flags & 0x08) != 0);
        return ScsiResult.good();
    }

    private ScsiResult verify(long lba, long count, int flags, byte[] dataOut) throws IOException {
        if ((flags & 0xe0) != 0) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        int bytchk = (flags >> 1) & 3;
        if (bytchk == 0 || count == 0) {
            return ScsiResult.good(); // medium verification: the device reports read errors on read anyway
        }
        if (bytchk != 1 || count > maxTransferBlocks) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        int bytes = (int) count * BLOCK;
        if (dataOut.length < bytes) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        byte[] disk = new byte[bytes];
        device.read(lba * BLOCK, ByteBuffer.wrap(disk));
        return Arrays.equals(disk, 0, bytes, dataOut, 0, bytes) ? ScsiResult.good()
                : ScsiResult.check(Sense.MISCOMPARE_DURING_VERIFY);
    }

    private ScsiResult synchronizeCache(long lba, long count) throws IOException {
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        device.flush();
        return ScsiResult.good();
    }

    private ScsiResult prefetch(long lba, long count) {
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        return ScsiResult.good(); // no cache of its own to fill: GOOD says the blocks were not all cached
    }

    private ScsiResult writeSame(byte[] cdb, long lba, long count, byte[] dataOut) throws IOException {
        int flags = cdb[1] & 0xff;
        boolean unmap = (flags & 0x08) != 0;
        boolean ndob = cdb[0] == (byte) 0x93 && (flags & 0x01) != 0;
        if ((flags & 0xe0) != 0 || (flags & 0x10) != 0 || (flags & 0x06) != 0) { // WRPROTECT, ANCHOR, obsolete
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (count == 0 || count > maxWriteSameBlocks) { // WSNZ is set in the Block Limits page
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (!inRange(lba, count)) {
            return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
        }
        if (device.readOnly()) {
            return ScsiResult.check(Sense.WRITE_PROTECTED);
        }
        byte[] block;
        if (ndob) {
            block = new byte[BLOCK];
        } else {
            if (dataOut.length != BLOCK) { // exactly one block, or the initiator and target disagree on the CDB
                return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
            }
            block = Arrays.copyOf(dataOut, BLOCK);
        }
        long off = lba * BLOCK;
        long len = count * BLOCK;
        boolean zero = true;
        for (byte b : block) {
            if (b != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            // reads of the range must return zeroes afterwards, so an UNMAP request becomes write-zeroes (the device
            // may deallocate while doing it); this target never reports LBPRZ for a plain trim
            device.writeZeroes(off, len, false);
            return ScsiResult.good();
        }
        if (unmap) {
            LOG.debug("iSCSI volume {}: WRITE SAME with UNMAP and a non-zero block: written, not unmapped", name);
        }
        int chunkBlocks = (int) Math.min(count, WRITE_SAME_CHUNK / BLOCK);
        byte[] chunk = new byte[chunkBlocks * BLOCK];
        for (int i = 0; i < chunkBlocks; i++) {
            System.arraycopy(block, 0, chunk, i * BLOCK, BLOCK);
        }
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(chunk.length, len - done);
            device.write(off + done, ByteBuffer.wrap(chunk, 0, n), false);
            done += n;
        }
        return ScsiResult.good();
    }

    private ScsiResult unmap(byte[] cdb, byte[] data) throws IOException {
        if ((cdb[1] & 0x01) != 0) { // ANCHOR
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        int paramLen = u16(cdb, 7);
        if (paramLen == 0) {
            return ScsiResult.good();
        }
        if (paramLen < 8 || data.length < paramLen) {
            return ScsiResult.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        int descLen = u16(data, 2);
        if (descLen % 16 != 0 || descLen > paramLen - 8) {
            return ScsiResult.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        int n = descLen / 16;
        if (n > MAX_UNMAP_DESCRIPTORS) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        // check every descriptor before acting on any: a bad list changes nothing
        for (int i = 0; i < n; i++) {
            long lba = u64(data, 8 + i * 16);
            long count = u32(data, 8 + i * 16 + 8);
            if (!inRange(lba, count)) {
                return ScsiResult.check(Sense.LBA_OUT_OF_RANGE);
            }
            if (count > MAX_UNMAP_BLOCKS) {
                return ScsiResult.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
        }
        if (device.readOnly()) {
            return ScsiResult.check(Sense.WRITE_PROTECTED);
        }
        for (int i = 0; i < n; i++) {
            long lba = u64(data, 8 + i * 16);
            long count = u32(data, 8 + i * 16 + 8);
            if (count > 0) {
                device.trim(lba * BLOCK, count * BLOCK, false);
            }
        }
        return ScsiResult.good();
    }

    private ScsiResult readCapacity10() {
        byte[] d = new byte[8];
        put32(d, 0, blocks - 1 > 0xffffffffL ? 0xffffffffL : blocks - 1);
        put32(d, 4, BLOCK);
        return ScsiResult.good(d);
    }

    private ScsiResult readCapacity16(byte[] cdb) {
        byte[] d = new byte[32];
        put64(d, 0, blocks - 1);
        put32(d, 8, BLOCK);
        d[13] = PHYSICAL_EXPONENT;
        d[14] = (byte) 0x80; // LBPME: UNMAP / WRITE SAME with UNMAP are supported
        return ScsiResult.good(Arrays.copyOf(d, (int) Math.min(32, u32(cdb, 10))));
    }

    private ScsiResult reportLuns(byte[] cdb) {
        int select = cdb[2] & 0xff;
        long alloc = u32(cdb, 6);
        if (select > 2 && select != 0x10 && select != 0x11 && select != 0x12 || alloc < 16) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        byte[] d = new byte[16];
        put32(d, 0, 8); // one LUN: 0
        if (select == 0x01 || select == 0x11) {
            put32(d, 0, 0); // well-known LUNs only: none
            return ScsiResult.good(Arrays.copyOf(d, 8));
        }
        return ScsiResult.good(d);
    }

    private ScsiResult requestSense(byte[] cdb, Sense current) {
        boolean desc = (cdb[1] & 0x01) != 0;
        byte[] s = desc ? current.descriptor() : current.fixed();
        return ScsiResult.good(Arrays.copyOf(s, Math.min(s.length, cdb[4] & 0xff)));
    }

    private ScsiResult inquiry(byte[] cdb, boolean present) {
        boolean evpd = (cdb[1] & 0x01) != 0;
        int page = cdb[2] & 0xff;
        int alloc = u16(cdb, 3);
        int peripheral = present ? 0x00 : 0x7f; // direct access block device; 0x7f: no LU here
        byte[] d;
        if (!evpd) {
            if (page != 0) {
                return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
            }
            d = new byte[74];
            d[0] = (byte) peripheral;
            d[2] = 0x06; // SPC-4
            d[3] = 0x12; // HiSup, response data format 2
            d[4] = (byte) (d.length - 5);
            d[7] = 0x02; // CmdQue
            ascii(d, 8, 8, "DUPLEX");
            ascii(d, 16, 16, "MIRROR VOLUME");
            ascii(d, 32, 4, "0001");
            put16(d, 58, 0x00a0); // SAM-5
            put16(d, 60, 0x0960); // iSCSI
            put16(d, 62, 0x0460); // SPC-4
            put16(d, 64, 0x04c0); // SBC-3
        } else if (!present) {
            d = new byte[] {(byte) peripheral, (byte) page, 0, 0};
        } else {
            switch (page) {
                case 0x00:
                    d = new byte[] {0, 0, 0, 6, 0x00, (byte) 0x80, (byte) 0x83, (byte) 0xb0, (byte) 0xb1, (byte) 0xb2};
                    break;
                case 0x80:
                    d = new byte[4 + serial.length];
                    d[1] = (byte) 0x80;
                    d[3] = (byte) serial.length;
                    System.arraycopy(serial, 0, d, 4, serial.length);
                    break;
                case 0x83:
                    d = deviceIdentification();
                    break;
                case 0xb0:
                    d = blockLimits();
                    break;
                case 0xb1:
                    d = new byte[64];
                    d[1] = (byte) 0xb1;
                    d[3] = 0x3c;
                    put16(d, 4, 1); // non-rotating medium
                    break;
                case 0xb2:
                    d = new byte[8];
                    d[1] = (byte) 0xb2;
                    d[3] = 4;
                    d[5] = (byte) 0xe0; // LBPU, LBPWS, LBPWS10 (no LBPRZ: a trimmed range reads back unspecified)
                    d[6] = 0x02; // thin provisioned
                    break;
                default:
                    return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
            }
        }
        return ScsiResult.good(Arrays.copyOf(d, Math.min(d.length, alloc)));
    }

    private static void ascii(byte[] d, int off, int len, String s) {
        Arrays.fill(d, off, off + len, (byte) ' ');
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, d, off, Math.min(len, b.length));
    }

    private byte[] deviceIdentification() {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        // NAA (binary, logical unit)
        o.write(0x01); o.write(0x03); o.write(0); o.write(naa.length);
        o.writeBytes(naa);
        // T10 vendor ID (ASCII, logical unit)
        byte[] t10 = new byte[8 + serial.length];
        ascii(t10, 0, 8, "DUPLEX");
        System.arraycopy(serial, 0, t10, 8, serial.length);
        o.write(0x02); o.write(0x01); o.write(0); o.write(t10.length);
        o.writeBytes(t10);
        // SCSI name string of the target device (UTF-8, PIV + iSCSI protocol, association target device)
        byte[] iqn = targetIqn.getBytes(StandardCharsets.UTF_8);
        int padded = (iqn.length + 1 + 3) & ~3;
        o.write(0x53); o.write(0x80 | 0x20 | 0x08); o.write(0); o.write(padded);
        o.writeBytes(Arrays.copyOf(iqn, padded));
        // relative target port identifier 1 (binary, PIV + iSCSI, association target port)
        o.write(0x51); o.write(0x80 | 0x10 | 0x04); o.write(0); o.write(4);
        o.writeBytes(new byte[] {0, 0, 0, 1});
        byte[] body = o.toByteArray();
        byte[] d = new byte[4 + body.length];
        d[1] = (byte) 0x83;
        put16(d, 2, body.length);
        System.arraycopy(body, 0, d, 4, body.length);
        return d;
    }

    private byte[] blockLimits() {
        byte[] d = new byte[64];
        d[1] = (byte) 0xb0;
        d[3] = 0x3c;
        d[4] = 0x01; // WSNZ: WRITE SAME with 0 blocks is refused
        d[5] = (byte) MAX_COMPARE_AND_WRITE_BLOCKS;
        put16(d, 6, 1 << PHYSICAL_EXPONENT); // optimal transfer length granularity
        put32(d, 8, maxTransferBlocks);
        put32(d, 12, maxTransferBlocks);
        put32(d, 20, MAX_UNMAP_BLOCKS);
        put32(d, 24, MAX_UNMAP_DESCRIPTORS);
        put32(d, 28, 1 << PHYSICAL_EXPONENT); // optimal unmap granularity
        put64(d, 36, maxWriteSameBlocks);
        return d;
    }

    private ScsiResult modeSense(byte[] cdb, boolean ten) {
        boolean dbd = (cdb[1] & 0x08) != 0;
        int pc = (cdb[2] & 0xc0) >> 6;
        int page = cdb[2] & 0x3f;
        int subpage = cdb[3] & 0xff;
        int alloc = ten ? u16(cdb, 7) : cdb[4] & 0xff;
        if (pc == 3) {
            return ScsiResult.check(Sense.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
        if (subpage != 0 && subpage != 0xff) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        java.io.ByteArrayOutputStream pages = new java.io.ByteArrayOutputStream();
        boolean changeable = pc == 1;
        if (page == 0x08 || page == 0x3f) { // caching: write cache enabled (SYNCHRONIZE CACHE / FUA make data durable)
            byte[] p = new byte[20];
            p[0] = 0x08;
            p[1] = 0x12;
            p[2] = (byte) (changeable ? 0 : 0x04);
            pages.writeBytes(p);
        }
        if (page == 0x0a || page == 0x3f) { // control
            byte[] p = new byte[12];
            p[0] = 0x0a;
            p[1] = 0x0a;
            if (!changeable) {
                p[3] = 0x10; // QUEUE ALGORITHM MODIFIER 1: unrestricted reordering allowed; QErr 0
            }
            pages.writeBytes(p);
        }
        if (page == 0x1c || page == 0x3f) { // informational exceptions control: none reported
            byte[] p = new byte[12];
            p[0] = 0x1c;
            p[1] = 0x0a;
            pages.writeBytes(p);
        }
        if (pages.size() == 0) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        byte[] bd = new byte[0];
        if (!dbd) {
            bd = new byte[8];
            put32(bd, 0, blocks > 0xffffffffL ? 0xffffffffL : blocks);
            put32(bd, 4, BLOCK); // density 0, block length in the low 3 bytes
        }
        byte[] body = pages.toByteArray();
        int header = ten ? 8 : 4;
        byte[] d = new byte[header + bd.length + body.length];
        int dsp = 0x10 | (device.readOnly() ? 0x80 : 0); // DPOFUA, WP
        if (ten) {
            put16(d, 0, d.length - 2);
            d[3] = (byte) dsp;
            put16(d, 6, bd.length);
        } else {
            d[0] = (byte) (d.length - 1);
            d[2] = (byte) dsp;
            d[3] = (byte) bd.length;
        }
        System.arraycopy(bd, 0, d, header, bd.length);
        System.arraycopy(body, 0, d, header + bd.length, body.length);
        return ScsiResult.good(Arrays.copyOf(d, Math.min(d.length, alloc)));
    }
}
