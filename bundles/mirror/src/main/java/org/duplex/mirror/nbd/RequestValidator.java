package org.duplex.mirror.nbd;

/**
 * Decides, from a request header alone, whether the request may run and which errno to report otherwise.
 * Pure and total: any 28-byte header yields a verdict, never an exception.
 */
public final class RequestValidator {

    /** Verdict: errno 0 = run it; closeConnection = the stream cannot be trusted any more. */
    public record Verdict(int errno, boolean closeConnection, String reason) {
        static final Verdict OK = new Verdict(0, false, "ok");

        public boolean ok() {
            return errno == 0 && !closeConnection;
        }
    }

    /** A WRITE larger than this is not even drained: the connection is closed instead. */
    public static final long DRAIN_LIMIT = 64L << 20;

    private final long size;
    private final boolean readOnly;
    private final BlockSizeLimits limits;
    private final int alignment;

    /**
     * @param enforceAlignment true when the client negotiated NBD_INFO_BLOCK_SIZE (and so promised to align)
     */
    public RequestValidator(long size, boolean readOnly, BlockSizeLimits limits, boolean enforceAlignment) {
        this.size = size;
        this.readOnly = readOnly;
        this.limits = limits;
        this.alignment = enforceAlignment ? limits.minimum() : 1;
    }

    public Verdict check(NbdRequest r) {
        long off = r.offset();
        long len = r.length();
        switch (r.type()) {
            case Nbd.CMD_READ:
                if (r.flags() != 0) {
                    return err(Nbd.EINVAL, "unsupported flags on READ");
                }
                if (len == 0 || len > limits.maxPayload()) {
                    return err(Nbd.EINVAL, "READ length " + len + " outside 1.." + limits.maxPayload());
                }
                if (!aligned(off, len)) {
                    return err(Nbd.EINVAL, "READ not aligned to " + alignment);
                }
                return inRange(off, len) ? Verdict.OK : err(Nbd.EINVAL, "READ beyond the end");
            case Nbd.CMD_WRITE:
                if (len > DRAIN_LIMIT) {
                    return new Verdict(Nbd.EINVAL, true, "WRITE payload " + len + " too large to drain");
                }
                if ((r.flags() & ~Nbd.CMD_FLAG_FUA) != 0) {
                    return err(Nbd.EINVAL, "unsupported flags on WRITE");
                }
                if (len == 0 || len > limits.maxPayload()) {
                    return err(Nbd.EINVAL, "WRITE length " + len + " outside 1.." + limits.maxPayload());
                }
                if (readOnly) {
                    return err(Nbd.EPERM, "export is read-only");
                }
                if (!aligned(off, len)) {
                    return err(Nbd.EINVAL, "WRITE not aligned to " + alignment);
                }
                return inRange(off, len) ? Verdict.OK : err(Nbd.ENOSPC, "WRITE beyond the end");
            case Nbd.CMD_FLUSH:
                if (r.flags() != 0 || off != 0 || len != 0) {
                    return err(Nbd.EINVAL, "FLUSH with flags, offset or length");
                }
                return Verdict.OK;
            case Nbd.CMD_TRIM:
            case Nbd.CMD_WRITE_ZEROES: {
                int allowed = Nbd.CMD_FLAG_FUA | (r.type() == Nbd.CMD_WRITE_ZEROES ? Nbd.CMD_FLAG_NO_HOLE : 0);
                if ((r.flags() & ~allowed) != 0) {
                    return err(Nbd.EINVAL, "unsupported flags");
                }
                if (len == 0) {
                    return err(Nbd.EINVAL, "zero length");
                }
                if (readOnly) {
                    return err(Nbd.EPERM, "export is read-only");
                }
                if (!aligned(off, len)) {
                    return err(Nbd.EINVAL, "not aligned to " + alignment);
                }
                if (!inRange(off, len)) {
                    return err(r.type() == Nbd.CMD_TRIM ? Nbd.EINVAL : Nbd.ENOSPC, "range beyond the end");
                }
                return Verdict.OK;
            }
            case Nbd.CMD_DISC:
                return Verdict.OK;
            default:
                return err(Nbd.EINVAL, "unknown command " + r.type());
        }
    }

    private boolean aligned(long off, long len) {
        return alignment == 1 || (off % alignment == 0 && len % alignment == 0);
    }

    private boolean inRange(long off, long len) {
        return off >= 0 && len >= 0 && off <= size && len <= size - off;
    }

    private static Verdict err(int errno, String reason) {
        return new Verdict(errno, false, reason);
    }
}
