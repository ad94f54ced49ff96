package org.duplex.mirror.iscsi;

import java.time.Duration;
import java.util.Objects;

/**
 * @param bindAddress              address to listen on
 * @param port                     TCP port (0 = any free port)
 * @param maxConnections           connections served at once; more are closed at accept (a login flood then costs
 *                                 a closed socket each, nothing else)
 * @param maxRecvDataSegmentLength the largest data segment this target accepts (declared at login)
 * @param maxBurstLength           this target's offer for MaxBurstLength (the session gets the smaller value)
 * @param firstBurstLength         this target's offer for FirstBurstLength
 * @param maxTransferBytes         the largest single command (reported in the Block Limits VPD page)
 * @param queueDepth               commands an initiator may have outstanding (MaxCmdSN - ExpCmdSN + 1)
 * @param loginTimeout             a connection must reach the full feature phase within this
 */
public record IscsiServerConfig(String bindAddress, int port, int maxConnections, int maxRecvDataSegmentLength,
                                int maxBurstLength, int firstBurstLength, int maxTransferBytes, int queueDepth,
                                Duration loginTimeout) {

    public IscsiServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxConnections < 1 || queueDepth < 1) {
            throw new IllegalArgumentException("maxConnections and queueDepth must be >= 1");
        }
        if (maxRecvDataSegmentLength < 512 || maxRecvDataSegmentLength > 0xffffff
                || maxBurstLength < 512 || maxBurstLength > 0xffffff
                || firstBurstLength < 512 || firstBurstLength > maxBurstLength) {
            throw new IllegalArgumentException("segment/burst lengths must be 512..16777215 with FirstBurstLength <= "
                    + "MaxBurstLength");
        }
        if (maxTransferBytes < maxBurstLength || maxTransferBytes % 4096 != 0) {
            throw new IllegalArgumentException("maxTransferBytes must be a multiple of 4096 and >= maxBurstLength");
        }
    }

    public static IscsiServerConfig of(String bindAddress, int port) {
        return new IscsiServerConfig(bindAddress, port, 16, 256 * 1024, 1 << 20, 256 * 1024, 8 << 20, 64,
                Duration.ofSeconds(15));
    }
}
