package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.duplex.mirror.testutil.MiniIscsiInitiator;
import org.junit.jupiter.api.Test;

/** A login flood costs sockets only: extra connections close at accept, idle ones at the login timeout. */
class LoginFloodTest {
    static final String IQN = "iqn.2026-12.org.duplex:flood";

    static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000); // a bound on the test, not a wait: the reads below return as soon as the target acts
        return s;
    }

    static boolean closedByTarget(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        return in.read() < 0;
    }

    static IscsiServerConfig config(int maxConnections, Duration loginTimeout) {
        IscsiServerConfig d = IscsiServerConfig.of("127.0.0.1", 0);
        return new IscsiServerConfig(d.bindAddress(), 0, maxConnections, d.maxRecvDataSegmentLength(),
                d.maxBurstLength(), d.firstBurstLength(), d.maxTransferBytes(), d.queueDepth(), loginTimeout);
    }

    @Test
    void idleConnectionsAreClosedAtTheLoginTimeout() throws Exception {
        try (IscsiServer server = new IscsiServer(config(2, Duration.ofMillis(300)))) {
            server.addTarget(new IscsiTarget(IQN, "", new MemoryBlockDevice(1 << 20), Optional.empty()));
            try (Socket a = connect(server.port()); Socket b = connect(server.port())) {
                long t0 = System.nanoTime();
                assertThat(closedByTarget(a)).isTrue();
                assertThat(closedByTarget(b)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
            try (MiniIscsiInitiator i = new MiniIscsiInitiator(server.port())) {
                assertThat(i.login(IQN, Map.of()).u16(36)).isZero();
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtAcceptAndTheOthersStillLogIn() throws Exception {
        try (IscsiServer server = new IscsiServer(config(2, Duration.ofSeconds(30)))) {
            server.addTarget(new IscsiTarget(IQN, "", new MemoryBlockDevice(1 << 20), Optional.empty()));
            try (MiniIscsiInitiator a = new MiniIscsiInitiator(server.port()); Socket b = connect(server.port())) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.connectionCount() == 2);
                try (Socket c = connect(server.port())) {
                    assertThat(closedByTarget(c)).isTrue();
                }
                // a connection that was let in logs in normally while the flood is refused
                assertThat(a.login(IQN, Map.of()).u16(36)).isZero();
            }
        }
    }
}
