package org.duplex.mirror.iscsi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.duplex.mirror.iscsi.login.LoginNegotiator;
import org.duplex.mirror.iscsi.login.SessionParams;
import org.duplex.mirror.iscsi.login.TextParameters;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.iscsi.pdu.PduCodec;
import org.duplex.mirror.iscsi.pdu.PduException;
import org.duplex.mirror.iscsi.scsi.ScsiLogicalUnit;
import org.duplex.mirror.iscsi.scsi.ScsiResult;
import org.duplex.mirror.iscsi.scsi.Sense;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's iSCSI conversation over a pair of streams: login, then the full feature phase (ErrorRecoveryLevel
 * 0, one connection per session). Commands run one at a time on the caller's thread, in CmdSN order; a write's data
 * is gathered first (immediate data, unsolicited Data-Out, then R2T-solicited bursts). {@link #run()} never throws:
 * a PDU that cannot be accepted gets a Reject, or ends the connection when the stream cannot be framed any more.
 */
public final class IscsiSession {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiSession.class);
    private static final byte[] NO_DATA = new byte[0];
    /**
     * Smallest READ sent from the session's direct buffer. Smaller ones (4 KiB at a queue depth) keep the buffered
     * stream, where several responses share one send; from here on the copies and the allocation dominate (issue 20:
     * a 1 MiB array per READ was a humongous G1 allocation, a concurrent cycle every few READs).
     */
    static final int DIRECT_READ_MIN = 64 * 1024;
    /**
     * Largest READ sent from the direct buffer: it bounds the buffer each session keeps (a target takes 16 sessions
     * and READs of up to 8 MiB, and the node's direct memory is capped near its 192 MiB heap). Larger READs are rare
     * and take the array path.
     */
    static final int DIRECT_READ_MAX = 1 << 20;

    /** A write whose data is still arriving. */
    private static final class PendingWrite {
        final int itt;
        final long lun;
        final byte[] cdb;
        final int cmdSN;
        final byte[] buffer;
        int received;
        boolean unsolicitedPending;
        int unsolicitedLimit;
        /** The outstanding R2T's tag, or RESERVED_TAG when none is outstanding. */
        int ttt = Opcode.RESERVED_TAG;
        int r2tEnd;
        int r2tSN;
        int dataSN;
        /** The Data-Out just read was placed in {@link #buffer} by the codec. */
        boolean placed;

        PendingWrite(int itt, long lun, byte[] cdb, int cmdSN, int length) {
            this.itt = itt;
            this.lun = lun;
            this.cdb = cdb;
            this.cmdSN = cmdSN;
            this.buffer = new byte[length];
        }
    }

    private final Function<String, Optional<IscsiTarget>> lookup;
    private final Supplier<Collection<IscsiTarget>> targets;
    private final String portal;
    private final IscsiServerConfig config;
    private final PduCodec codec;
    private final String peer;
    private final int tsih;
    private final Map<Integer, PendingWrite> pending = new HashMap<>();
    private final boolean directReads;
    /** The direct buffer large READs are read into, reused by every one (commands run one at a time). */
    private ByteBuffer readBuffer;
    private Runnable onFullFeature = () -> { };

    private SessionParams params;
    private IscsiTarget target;
    private ScsiLogicalUnit lu;
    private int statSN;
    private volatile int expCmdSN;
    /** Writes handed to an asynchronous device (a replicated volume) whose responses have not been sent yet. */
    private int asyncInFlight;
    private int nextTtt = 1;
    private boolean loggedOut;
    private boolean internalError;

    /**
     * @param portal  this connection's address as "host:port" (the TargetAddress of SendTargets answers)
     * @param tsih    the session handle given to this session at login (non-zero)
     */
    public IscsiSession(Function<String, Optional<IscsiTarget>> lookup, Supplier<Collection<IscsiTarget>> targets,
                        String portal, IscsiServerConfig config, InputStream in, OutputStream out, String peer,
                        int tsih) {
        this(lookup, targets, portal, config, in, out, null, peer, tsih);
    }

    /**
     * @param channel the socket channel {@code out} writes to, or null: with one, READs of at least
     *                {@link #DIRECT_READ_MIN} bytes are read into one direct buffer the session reuses and sent from
     *                it by a gathering write (no 1 MiB array per READ, no copies through the Java heap)
     */
    public IscsiSession(Function<String, Optional<IscsiTarget>> lookup, Supplier<Collection<IscsiTarget>> targets,
                        String portal, IscsiServerConfig config, InputStream in, OutputStream out,
                        GatheringByteChannel channel, String peer, int tsih) {
        this.lookup = lookup;
        this.targets = targets;
        this.portal = portal;
        this.config = config;
        this.codec = new PduCodec(in, out, channel, 8192); // RFC 7143 default until login ends
        this.directReads = channel != null;
        this.peer = peer;
        this.tsih = tsih;
    }

    /** Called once login has succeeded (to lift the login timeout). */
    public void onFullFeature(Runnable r) {
        this.onFullFeature = r;
    }

    /** True when the session ended on, or a command met, an internal error (a bug, never bad input). */
    public boolean internalError() {
        return internalError || lu != null && lu.internalFailures() > 0;
    }

    public Optional<SessionParams> params() {
        return Optional.ofNullable(params);
    }

    public void run() {
        try {
            if (login()) {
                onFullFeature.run();
                fullFeature();
            }
        } catch (EOFException e) {
            LOG.debug("iSCSI initiator {} closed the connection{}", peer, pending.isEmpty() ? ""
                    : " with " + pending.size() + " writes still receiving data (not written)");
        } catch (PduException e) {
            LOG.info("iSCSI connection {} dropped: {}", peer, e.getMessage());
        } catch (IOException e) {
            LOG.debug("iSCSI connection {} ended: {}", peer, e.toString());
        } catch (RuntimeException e) {
            internalError = true;
            LOG.warn("iSCSI connection {} dropped after an internal error", peer, e);
        } finally {
            synchronized (this) {
                try {
                    codec.flush();
                } catch (IOException ignored) {
                    // the initiator is gone
                }
            }
        }
    }

    // ------------------------------------------------------------------ login

    private boolean login() throws IOException {
        LoginNegotiator neg = new LoginNegotiator(lookup, config, new SecureRandom(), tsih);
        for (int i = 0; i < 64; i++) {
            Pdu p;
            try {
                p = codec.read();
            } catch (PduException e) {
                if (e.header() != null) {
                    LOG.info("iSCSI login from {} refused: {}", peer, e.getMessage());
                }
                return false;
            }
            LoginNegotiator.Step s = neg.step(p);
            codec.write(s.response());
            codec.flush();
            switch (s.outcome()) {
                case CLOSE:
                    LOG.info("iSCSI login from {} ({}) refused: {}", peer, neg.initiatorName(), s.reason());
                    return false;
                case FULL_FEATURE:
                    params = neg.params();
                    target = neg.target().orElse(null);
                    statSN = neg.statSN();
                    expCmdSN = neg.cmdSN();
                    codec.digests(params.headerDigest(), params.dataDigest());
                    codec.maxRecvDataSegmentLength(params.maxRecvDataSegmentLength());
                    if (target != null) {
                        lu = new ScsiLogicalUnit(target.device(), target.iqn(), target.iqn(),
                                config.maxTransferBytes(), target.atomicity(), target.reservations(),
                                neg.initiatorPortName());
                    }
                    LOG.info("iSCSI {} session for {} from {} ({}): {}", params.discovery() ? "discovery" : "normal",
                            params.discovery() ? "SendTargets" : params.targetName(), params.initiatorName(), peer,
                            params);
                    return true;
                default:
                    break;
            }
        }
        LOG.info("iSCSI login from {} took more than 64 PDUs: closing", peer);
        return false;
    }

    // ------------------------------------------------------------------ full feature phase

    private void fullFeature() throws IOException {
        while (!loggedOut) {
            Pdu p;
            try {
                p = codec.read(this::placeDataOut);
            } catch (PduException e) {
                synchronized (this) {
                    if (e.header() != null) {
                        reject(e.header(), e.rejectReason());
                        if (e.rejectReason() == Opcode.REJECT_DATA_DIGEST) {
                            dataDigestFailed(e.header());
                        }
                    }
                    if (e.dropConnection()) {
                        throw e;
                    }
                    LOG.info("iSCSI connection {}: rejected a PDU: {}", peer, e.getMessage());
                    if (!codec.inputPending()) {
                        codec.flush();
                    }
                }
                continue;
            }
            synchronized (this) { // completions of asynchronous writes send from other threads
                dispatch(p);
                if (!codec.inputPending()) {
                    // the initiator's next PDUs are already here: answer them in one send (a queue of commands
                    // gets its responses in one segment instead of one each); never wait with nothing left to read
                    codec.flush();
                }
            }
        }
    }

    private void dispatch(Pdu p) throws IOException {
        switch (p.opcode()) {
            case Opcode.SCSI_COMMAND:
                if (lu == null) {
                    reject(p, Opcode.REJECT_PROTOCOL_ERROR);
                    return;
                }
                scsiCommand(p);
                break;
            case Opcode.DATA_OUT:
                dataOut(p);
                break;
            case Opcode.NOP_OUT:
                nopOut(p);
                break;
            case Opcode.TASK_MGMT_REQUEST:
                taskManagement(p);
                break;
            case Opcode.TEXT_REQUEST:
                text(p);
                break;
            case Opcode.LOGOUT_REQUEST:
                logout(p);
                break;
            default:
                // a Login in the full feature phase; SNACK, which ErrorRecoveryLevel 0 does not allow
                reject(p, Opcode.REJECT_PROTOCOL_ERROR);
        }
    }

    /** Advances ExpCmdSN for a non-immediate command; false when the CmdSN is outside the window (ignored, §4.2.2.1). */
    private boolean acceptCmdSN(Pdu p) {
        if (p.immediate()) {
            return true;
        }
        int cmdSN = p.u32(24);
        int d = cmdSN - expCmdSN;
        if (d < 0 || d >= config.queueDepth()) {
            LOG.debug("iSCSI connection {}: CmdSN {} outside [{}, +{}): ignored", peer, Integer.toUnsignedString(cmdSN),
                    Integer.toUnsignedString(expCmdSN), config.queueDepth());
            return false;
        }
        expCmdSN = cmdSN + 1;
        return true;
    }

    private Pdu header(int opcode, byte[] data) {
        Pdu r = Pdu.of(opcode, data);
        r.u32(28, expCmdSN);
        r.u32(32, expCmdSN + config.queueDepth() - 1);
        return r;
    }

    private void reject(Pdu bad, int reason) throws IOException {
        Pdu r = header(Opcode.REJECT, Arrays.copyOf(bad.bhs(), Pdu.BHS_LENGTH));
        r.u8(1, 0x80);
        r.u8(2, reason);
        r.u32(16, Opcode.RESERVED_TAG);
        r.u32(24, statSN++);
        codec.write(r);
    }

    private void scsiCommand(Pdu p) throws IOException {
        if (!acceptCmdSN(p)) {
            return;
        }
        int flags = p.flags();
        boolean read = (flags & 0x40) != 0;
        boolean write = (flags & 0x20) != 0;
        long edtl = p.u32(20) & 0xffffffffL;
        byte[] cdb = p.bhsRange(32, 48);
        if (LOG.isTraceEnabled()) {
            LOG.trace("iSCSI connection {}: SCSI command BHS {}", peer, java.util.HexFormat.of().formatHex(p.bhs()));
        }
        if (p.ahs().length > 0 && (p.ahs()[2] & 0x3f) == 1) {
            // an extended CDB (> 16 bytes): no such command here
            respond(p.itt(), ScsiResult.check(Sense.INVALID_OPCODE), 0, 0, 0);
            return;
        }
        if (pending.containsKey(p.itt())) {
            reject(p, Opcode.REJECT_INVALID_PDU_FIELD); // a task tag in use
            return;
        }
        if (!write && p.data().length > 0) {
            reject(p, Opcode.REJECT_PROTOCOL_ERROR);
            return;
        }
        if (write && edtl > 0) {
            if (edtl > config.maxTransferBytes() + 4096L) {
                // what follows for this task (unsolicited Data-Out) is ignored as for an unknown task
                respond(p.itt(), ScsiResult.check(Sense.INVALID_FIELD_IN_CDB), 0, 0, 0);
                return;
            }
            if (p.data().length > 0 && !params.immediateData()
                    || p.data().length > Math.min(params.firstBurstLength(), edtl)) {
                reject(p, Opcode.REJECT_PROTOCOL_ERROR);
                return;
            }
            PendingWrite w = new PendingWrite(p.itt(), p.lun(), cdb, p.u32(24), (int) edtl);
            System.arraycopy(p.data(), 0, w.buffer, 0, p.data().length);
            w.received = p.data().length;
            w.unsolicitedPending = !p.finalBit() && !params.initialR2T();
            w.unsolicitedLimit = (int) Math.min(params.firstBurstLength(), edtl);
            if (!p.finalBit() && params.initialR2T()) {
                reject(p, Opcode.REJECT_PROTOCOL_ERROR); // unsolicited Data-Out promised though InitialR2T=Yes
                return;
            }
            pending.put(w.itt, w);
            progress(w);
            return;
        }
        if (write && p.data().length > 0) {
            reject(p, Opcode.REJECT_PROTOCOL_ERROR); // data beyond an Expected Data Transfer Length of 0
            return;
        }
        drainAsyncWrites();
        ScsiResult r = lu.execute(p.lun(), cdb, new byte[0], directReads ? this::readBuffer : null);
        long needed = ScsiLogicalUnit.dataOutLength(cdb);
        if (!read && needed > 0) {
            respond(p.itt(), r, 0x04, needed, 0); // a write sent with no data: overflow by all of it
            return;
        }
        complete(p.itt(), cdb, r, read, edtl, 0);
    }

    /**
     * Waits (the session's monitor released) until every asynchronous write has sent its response: any command but
     * a plain write runs after the writes before it completed, as when commands ran one at a time.
     */
    private void drainAsyncWrites() throws IOException {
        boolean interrupted = false;
        while (asyncInFlight > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for writes in flight");
        }
    }

    /** Sends the next R2T, or runs the write once all its data is in. */
    private void progress(PendingWrite w) throws IOException {
        if (w.unsolicitedPending || w.ttt != Opcode.RESERVED_TAG) {
            return;
        }
        if (w.received == w.buffer.length) {
            pending.remove(w.itt);
            long needed = ScsiLogicalUnit.dataOutLength(w.cdb);
            int residualFlags = 0;
            long residual = 0;
            if (needed >= 0 && needed != w.buffer.length) {
                residualFlags = needed > w.buffer.length ? 0x04 : 0x02;
                residual = Math.abs(needed - w.buffer.length);
            }
            if (residualFlags == 0 && lu.writesAsync(w.lun, w.cdb)) {
                // a replicated volume: the write is on its way to the peer when this returns; its response goes
                // when the peer confirmed it, and the next commands are read meanwhile (queue depth per session)
                asyncInFlight++;
                final int itt = w.itt;
                final int r2tSN = w.r2tSN;
                lu.executeAsync(w.lun, w.cdb, w.buffer).whenComplete((r, e) -> asyncDone(itt, r, e, r2tSN));
                return;
            }
            drainAsyncWrites();
            ScsiResult r = lu.execute(w.lun, w.cdb, w.buffer);
            respond(w.itt, r, residualFlags, residual, w.r2tSN);
            return;
        }
        w.ttt = nextTtt++;
        if (nextTtt == Opcode.RESERVED_TAG || nextTtt == 0) {
            nextTtt = 1;
        }
        int len = Math.min(params.maxBurstLength(), w.buffer.length - w.received);
        w.r2tEnd = w.received + len;
        Pdu r2t = header(Opcode.R2T, new byte[0]);
        r2t.u8(1, 0x80);
        r2t.u64(8, w.lun);
        r2t.u32(16, w.itt);
        r2t.u32(20, w.ttt);
        r2t.u32(24, statSN); // not advanced by an R2T
        r2t.u32(36, w.r2tSN++);
        r2t.u32(40, w.received);
        r2t.u32(44, len);
        codec.write(r2t);
    }

    /**
     * A Data-Out that continues its pending write exactly where it stands, within its burst, goes straight into the
     * write's buffer ({@link #dataOut} then only checks and counts it); anything else is read into its own array and
     * refused there. A data digest error after the placement fails the write (nothing is written).
     */
    private PduCodec.Slot placeDataOut(Pdu h, int len) {
        if (h.opcode() != Opcode.DATA_OUT) {
            return null;
        }
        PendingWrite w = pending.get(h.itt());
        if (w == null) {
            return null;
        }
        int ttt = h.u32(20);
        boolean unsolicited = ttt == Opcode.RESERVED_TAG;
        int limit = unsolicited ? w.unsolicitedLimit : w.r2tEnd;
        boolean expected = unsolicited ? w.unsolicitedPending : ttt == w.ttt;
        int offset = h.u32(40);
        if (!expected || offset != w.received || len > limit - offset || h.u32(36) != w.dataSN) {
            return null;
        }
        w.placed = true;
        return new PduCodec.Slot(w.buffer, offset);
    }

    private void dataOut(Pdu p) throws IOException {
        PendingWrite w = pending.get(p.itt());
        if (w == null) {
            LOG.debug("iSCSI connection {}: Data-Out for no pending task 0x{} (aborted or refused): ignored", peer,
                    Integer.toHexString(p.itt()));
            return;
        }
        int ttt = p.u32(20);
        int offset = p.u32(40);
        int len = p.dataSegmentLength();
        boolean unsolicited = ttt == Opcode.RESERVED_TAG;
        int limit = unsolicited ? w.unsolicitedLimit : w.r2tEnd;
        if (unsolicited ? !w.unsolicitedPending : ttt != w.ttt) {
            failWrite(w, p, "Data-Out with an unexpected target transfer tag");
            return;
        }
        if (offset != w.received || len > limit - offset) {
            // DataPDUInOrder=Yes: each PDU continues where the last ended, inside its burst
            failWrite(w, p, "Data-Out at offset " + Integer.toUnsignedString(offset) + " length " + len
                    + ", expected offset " + w.received + " within " + limit);
            return;
        }
        if (p.u32(36) != w.dataSN) {
            failWrite(w, p, "Data-Out DataSN " + p.u32(36) + ", expected " + w.dataSN);
            return;
        }
        w.dataSN++;
        if (w.placed) {
            w.placed = false; // already in the buffer (placeDataOut)
        } else {
            System.arraycopy(p.data(), 0, w.buffer, offset, len);
        }
        w.received += len;
        if (p.finalBit()) {
            if (unsolicited) {
                w.unsolicitedPending = false;
            } else {
                if (w.received != w.r2tEnd) {
                    failWrite(w, p, "R2T burst ended short at " + w.received + " of " + w.r2tEnd);
                    return;
                }
                w.ttt = Opcode.RESERVED_TAG;
            }
            w.dataSN = 0; // DataSN counts within a sequence: the unsolicited one, then each R2T's (§11.7.5)
            progress(w);
        }
    }

    /** An asynchronous write completed (any thread): its response, sent at once. */
    private synchronized void asyncDone(int itt, ScsiResult r, Throwable e, int expDataSN) {
        asyncInFlight--;
        notifyAll();
        ScsiResult result = r != null ? r : ScsiResult.check(Sense.WRITE_ERROR_RETRYABLE);
        if (e != null) {
            internalError = true; // executeAsync maps every device outcome to sense: this is a bug
            LOG.warn("iSCSI connection {}: asynchronous write 0x{} failed internally", peer, Integer.toHexString(itt), e);
        }
        try {
            respond(itt, result, 0, 0, expDataSN);
            codec.flush();
        } catch (IOException x) {
            LOG.debug("iSCSI connection {}: response to write 0x{} not sent: {}", peer, Integer.toHexString(itt),
                    x.toString());
        }
    }

    private void failWrite(PendingWrite w, Pdu p, String why) throws IOException {
        LOG.info("iSCSI connection {}: write task 0x{} failed: {} (nothing written)", peer,
                Integer.toHexString(w.itt), why);
        reject(p, Opcode.REJECT_PROTOCOL_ERROR);
        pending.remove(w.itt);
        respond(w.itt, ScsiResult.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST), 0, 0, w.r2tSN);
    }

    /** A Data-Out (or a command's immediate data) failed its digest: its task ends without writing anything. */
    private void dataDigestFailed(Pdu header) throws IOException {
        PendingWrite w = pending.remove(header.itt());
        if (w != null && (header.opcode() == Opcode.DATA_OUT)) {
            respond(w.itt, ScsiResult.check(Sense.CRC_ERROR), 0, 0, w.r2tSN);
        } else if (header.opcode() == Opcode.SCSI_COMMAND && lu != null && acceptCmdSN(header)) {
            respond(header.itt(), ScsiResult.check(Sense.CRC_ERROR), 0, 0, 0);
        }
    }

    /**
     * {@code n} bytes of the session's direct read buffer, or null (a new array) below {@link #DIRECT_READ_MIN} or
     * above {@link #DIRECT_READ_MAX}.
     */
    private ByteBuffer readBuffer(int n) {
        if (n < DIRECT_READ_MIN || n > DIRECT_READ_MAX) {
            return null;
        }
        if (readBuffer == null || readBuffer.capacity() < n) {
            readBuffer = ByteBuffer.allocateDirect(n);
        }
        return readBuffer.slice(0, n);
    }

    /** Sends a command's outcome: Data-In (the last carrying the status when GOOD) or a SCSI Response. */
    private void complete(int itt, byte[] cdb, ScsiResult r, boolean read, long edtl, int expDataSN)
            throws IOException {
        byte[] data = r.data();
        int length = r.dataLength();
        if (!r.ok() || length == 0 && edtl == 0) {
            respond(itt, r, 0, 0, expDataSN);
            return;
        }
        long send = read ? Math.min(length, edtl) : 0;
        int resFlags = 0;
        long residual = 0;
        if (length > edtl || !read && length > 0) {
            resFlags = 0x04;
            residual = read ? length - edtl : length;
        } else if (length < edtl) {
            resFlags = 0x02;
            residual = edtl - length;
        }
        if (send == 0) {
            respond(itt, r, resFlags, residual, 0);
            return;
        }
        int maxPdu = params.maxSendDataSegmentLength();
        int dataSN = 0;
        long off = 0;
        long burst = 0;
        int pdus = (int) ((send + maxPdu - 1) / maxPdu);
        Pdu[] headers = r.buffered() != null ? new Pdu[pdus] : null;
        int[] lengths = r.buffered() != null ? new int[pdus] : null;
        while (off < send) {
            int n = (int) Math.min(maxPdu, send - off);
            boolean last = off + n == send;
            burst += n;
            Pdu d = header(Opcode.DATA_IN, NO_DATA);
            int f = 0;
            if (last || burst >= params.maxBurstLength()) {
                f |= 0x80;
                burst = 0;
            }
            if (last) {
                f |= 0x01 | resFlags; // S: status in this PDU (phase collapse)
                d.u8(3, r.status());
                d.u32(24, statSN++);
                d.u32(44, (int) residual);
            }
            d.u8(1, f);
            d.u32(16, itt);
            d.u32(20, Opcode.RESERVED_TAG);
            d.u32(36, dataSN++);
            d.u32(40, (int) off);
            if (headers != null) {
                headers[dataSN - 1] = d;
                lengths[dataSN - 1] = n;
            } else {
                codec.write(d, data, (int) off, n);
            }
            off += n;
        }
        if (headers != null) {
            codec.write(headers, lengths, r.buffered()); // sent now: the buffer is free for the next READ
        }
    }

    private void respond(int itt, ScsiResult r, int residualFlags, long residual, int expDataSN) throws IOException {
        byte[] sense = r.sense();
        byte[] data = new byte[0];
        if (sense.length > 0) {
            data = new byte[2 + sense.length];
            data[0] = (byte) (sense.length >> 8);
            data[1] = (byte) sense.length;
            System.arraycopy(sense, 0, data, 2, sense.length);
        }
        Pdu resp = header(Opcode.SCSI_RESPONSE, data);
        resp.u8(1, 0x80 | residualFlags);
        resp.u8(2, 0x00); // command completed at target
        resp.u8(3, r.status());
        resp.u32(16, itt);
        resp.u32(24, statSN++);
        resp.u32(36, expDataSN);
        resp.u32(44, (int) residual);
        codec.write(resp);
    }

    private void nopOut(Pdu p) throws IOException {
        if (!acceptCmdSN(p)) {
            return;
        }
        if (p.itt() == Opcode.RESERVED_TAG) {
            return; // an answer to a NOP-In of ours, or a ping that wants no reply
        }
        Pdu in = header(Opcode.NOP_IN, p.data());
        in.u8(1, 0x80);
        in.u64(8, p.lun());
        in.u32(16, p.itt());
        in.u32(20, Opcode.RESERVED_TAG);
        in.u32(24, statSN++);
        codec.write(in);
    }

    private void taskManagement(Pdu p) throws IOException {
        acceptCmdSN(p);
        drainAsyncWrites(); // writes already started complete (and answer) before the function's response
        int function = p.flags() & 0x7f;
        int response;
        switch (function) {
            case 1: { // ABORT TASK
                PendingWrite w = pending.remove(p.u32(20));
                if (w != null) {
                    LOG.info("iSCSI connection {}: task 0x{} aborted before its data was complete (nothing written)",
                            peer, Integer.toHexString(w.itt));
                    response = 0;
                } else {
                    // commands run in order as they arrive: a task that is not pending has completed (its response
                    // is on the wire) or never existed
                    response = 1;
                }
                break;
            }
            case 2: // ABORT TASK SET
            case 4: // CLEAR TASK SET
            case 5: // LOGICAL UNIT RESET
            case 6: // TARGET WARM RESET
                if (p.lun() != 0 && function != 6) {
                    response = 2;
                    break;
                }
                if (!pending.isEmpty()) {
                    LOG.info("iSCSI connection {}: task management function {} dropped {} writes still receiving "
                            + "data (nothing written)", peer, function, pending.size());
                }
                pending.clear();
                response = 0;
                break;
            case 3: // CLEAR ACA: no ACA here
            default:
                response = 5; // not supported (TARGET COLD RESET, TASK REASSIGN at ErrorRecoveryLevel 0)
        }
        Pdu r = header(Opcode.TASK_MGMT_RESPONSE, new byte[0]);
        r.u8(1, 0x80);
        r.u8(2, response);
        r.u32(16, p.itt());
        r.u32(24, statSN++);
        codec.write(r);
    }

    private void text(Pdu p) throws IOException {
        if (!acceptCmdSN(p)) {
            return;
        }
        if ((p.flags() & 0x40) != 0) {
            reject(p, Opcode.REJECT_COMMAND_NOT_SUPPORTED); // continued text requests: not needed by any key here
            return;
        }
        Map<String, String> keys;
        try {
            keys = TextParameters.parse(p.data());
        } catch (IllegalArgumentException e) {
            LOG.info("iSCSI connection {}: malformed text request: {}", peer, e.getMessage());
            reject(p, Opcode.REJECT_PROTOCOL_ERROR);
            return;
        }
        StringBuilder out = new StringBuilder();
        LinkedHashMap<String, String> other = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().equals("SendTargets")) {
                String v = e.getValue();
                for (IscsiTarget t : targets.get()) {
                    boolean wanted = params.discovery() ? v.equals("All") || v.equals(t.iqn())
                            : v.isEmpty() && t.iqn().equals(params.targetName()) || v.equals(t.iqn());
                    if (wanted) {
                        out.append("TargetName=").append(t.iqn()).append('\0');
                        out.append("TargetAddress=").append(portal).append(",1").append('\0');
                    }
                }
            } else {
                other.put(e.getKey(), "NotUnderstood");
            }
        }
        byte[] a = out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] b = TextParameters.encode(other);
        byte[] data = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, data, a.length, b.length);
        if (data.length > params.maxSendDataSegmentLength()) {
            data = Arrays.copyOf(data, 0);
            LOG.warn("iSCSI connection {}: text response longer than the initiator's MaxRecvDataSegmentLength: "
                    + "sent empty", peer);
        }
        Pdu r = header(Opcode.TEXT_RESPONSE, data);
        r.u8(1, 0x80);
        r.u64(8, p.lun());
        r.u32(16, p.itt());
        r.u32(20, Opcode.RESERVED_TAG);
        r.u32(24, statSN++);
        codec.write(r);
    }

    private void logout(Pdu p) throws IOException {
        acceptCmdSN(p);
        drainAsyncWrites();
        int reason = p.flags() & 0x7f;
        Pdu r = header(Opcode.LOGOUT_RESPONSE, new byte[0]);
        r.u8(1, 0x80);
        r.u8(2, reason <= 1 ? 0 : 2); // 2: connection recovery is not supported (ErrorRecoveryLevel 0)
        r.u32(16, p.itt());
        r.u32(24, statSN++);
        r.u16(40, params.defaultTime2Wait());
        r.u16(42, params.defaultTime2Retain());
        codec.write(r);
        codec.flush();
        if (!pending.isEmpty()) {
            LOG.info("iSCSI connection {}: logout with {} writes still receiving data (nothing written)", peer,
                    pending.size());
        }
        pending.clear();
        loggedOut = true;
        LOG.info("iSCSI initiator {} ({}) logged out", params.initiatorName(), peer);
    }
}
