package org.duplex.mirror.block;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a front end exports (the NBD server; an iSCSI target later): front-end neutral, so the mirror engine does
 * not depend on NBD. Offsets and lengths are already checked against {@link #size()} by the front end.
 * Implementations must be safe for concurrent calls. A refusal (not primary, read-only) is a
 * {@link BlockDeviceException} carrying a {@link BlockError}; any other {@link IOException} is an I/O error.
 */
public interface BlockDevice {

    long size();

    /** True when writes are refused for good (the export is advertised read-only). */
    boolean readOnly();

    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Why this device cannot serve a client now (e.g. a mirror leg that is not up to date, with no up-to-date peer
     * to read from), or empty. The server refuses NBD_OPT_GO / INFO with this text (and closes an EXPORT_NAME
     * client), rather than attaching the client to answer every read with an error.
     */
    default java.util.Optional<String> unavailable() {
        return java.util.Optional.empty();
    }

    /**
     * Why this device must not be served to initiators that follow a service address now (a mirror leg that is not
     * primary: its peer serves the volume), or empty. The iSCSI target refuses logins and answers commands with
     * NOT READY while this is present, so multipath initiators and those following a VIP go to the primary; NBD
     * does not consult it (a secondary's reads stay allowed there).
     */
    default java.util.Optional<String> standby() {
        return java.util.Optional.empty();
    }

    void write(long offset, ByteBuffer src, boolean fua) throws IOException;

    void flush() throws IOException;

    void trim(long offset, long length, boolean fua) throws IOException;

    void writeZeroes(long offset, long length, boolean fua) throws IOException;

    /**
     * True when requests never wait on anything but the local disk (no peer round trip): the server then runs
     * them on the connection's own thread and batches replies, instead of handing each to a worker.
     */
    default boolean completesLocally() {
        return false;
    }

    /**
     * True when a read, right now, is served from the local disk only (a replicated volume reading its own leg):
     * the server runs it on the connection's thread rather than handing it to a worker.
     */
    default boolean readsLocally() {
        return completesLocally();
    }

    /**
     * True when {@link #writeAsync} returns before the write is complete (a replicated volume waiting for its
     * peer): the server then calls it on the connection's thread and replies from the completion.
     */
    default boolean asyncWrites() {
        return false;
    }

    /**
     * Starts a write; the future completes when it may be acknowledged (exceptionally with a
     * {@link BlockDeviceException} or an {@link IOException}). The caller's buffer may be reused once this
     * returns. Refusals known at once are thrown.
     */
    default java.util.concurrent.CompletableFuture<Void> writeAsync(long offset, ByteBuffer src, boolean fua)
            throws IOException {
        write(offset, src, fua);
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * As {@link #writeAsync}, but what it sends onwards may stay buffered until {@link #endBurst()}: the server
     * uses it while more requests are already waiting in its input, and calls endBurst before it blocks.
     */
    default java.util.concurrent.CompletableFuture<Void> writeAsyncInBurst(long offset, ByteBuffer src, boolean fua)
            throws IOException {
        return writeAsync(offset, src, fua);
    }

    /** Sends whatever {@link #writeAsyncInBurst} left buffered. */
    default void endBurst() {
    }
}
