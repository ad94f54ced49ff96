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

    @Test
    void connectionsBeyondTheLimitAreClosedAndIdleOnesTimeOut() throws Exception {
        IscsiServerConfig d = IscsiServerConfig.of("127.0.0.1", 0);
        IscsiServerConfig cfg = new IscsiServerConfig(d.bindAddress(), 0, 2, d.maxRecvDataSegmentLength(),
                d.maxBurstLength(), d.firstBurstLength(), d.maxTransferBytes(), d.queueDepth(), Duration.ofMillis(300));
        try (IscsiServer server = new IscsiServer(cfg)) {
            server.addTarget(new IscsiTarget(IQN, "", new MemoryBlockDevice(1 << 20), Optional.empty()));
            try (Socket a = connect(server.port()); Socket b = connect(server.port())) {
                // both idle connections hold a thread each until the login timeout closes them
                long t0 = System.nanoTime();
                assertThat(closedByTarget(a)).isTrue();
                assertThat(closedByTarget(b)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            }
            // with both slots taken, a third is closed at accept
            try (Socket a = connect(server.port()); Socket b = connect(server.port())) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.connectionCount() == 2);
                try (Socket c = connect(server.port())) {
                    assertThat(closedByTarget(c)).isTrue();
                }
            }
            // and once the flood is gone, a real initiator logs in
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
            try (MiniIscsiInitiator i = new MiniIscsiInitiator(server.port())) {
                assertThat(i.login(IQN, Map.of()).u16(36)).isZero();
            }
        }
    }
}
