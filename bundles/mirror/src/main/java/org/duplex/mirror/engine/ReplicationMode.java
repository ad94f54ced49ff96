package org.duplex.mirror.engine;

/** When a write is acknowledged to the application. */
public enum ReplicationMode {
    /** Protocol C: after the local write and the peer's durable write (default). */
    SYNC,
    /** After the local write only: CAN LOSE THE LAST WRITES if the primary dies. For long-distance links only. */
    ASYNC
}
