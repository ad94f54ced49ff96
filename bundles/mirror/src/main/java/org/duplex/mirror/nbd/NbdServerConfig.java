package org.duplex.mirror.nbd;

import java.time.Duration;
import java.util.Objects;

/**
 * @param bindAddress          address to listen on (default loopback: exporting wider is an operator decision)
 * @param port                 TCP port, 0 = any free port
 * @param maxConnections       connections served at once; more are closed at accept
 * @param workerThreads        threads shared by all connections to run requests
 * @param maxInFlightBytes     per connection, payload bytes queued or running (bounds memory)
 * @param handshakeTimeout     a client must finish option haggling within this
 * @param limits               block size constraints
 */
public record NbdServerConfig(String bindAddress, int port, int maxConnections, int workerThreads,
                              int maxInFlightBytes, Duration handshakeTimeout, BlockSizeLimits limits) {

    public NbdServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxConnections < 1 || workerThreads < 1) {
            throw new IllegalArgumentException("maxConnections and workerThreads must be >= 1");
        }
        if (maxInFlightBytes < limits.maxPayload()) {
            throw new IllegalArgumentException("maxInFlightBytes must hold at least one maximal request");
        }
    }

    public static NbdServerConfig loopback(int port) {
        return new NbdServerConfig("127.0.0.1", port, 16, 64, 64 << 20, Duration.ofSeconds(10),
                BlockSizeLimits.DEFAULT);
    }
}
