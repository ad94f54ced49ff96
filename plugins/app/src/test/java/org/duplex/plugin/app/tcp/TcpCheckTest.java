package org.duplex.plugin.app.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpCheckTest {

    private final TcpCheck check = new TcpCheck();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    /** Released at the end of each test: a server that must never answer waits on it, not on a clock. */
    private final CountDownLatch testOver = new CountDownLatch(1);

    @AfterEach
    void close() throws Exception {
        testOver.countDown();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    interface Conversation {
        void talk(InputStream in, OutputStream out) throws Exception;
    }

    /** A real server on 127.0.0.1: every connection gets {@code conversation}, on its own thread. */
    private int serve(Conversation conversation) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            conversation.talk(s.getInputStream(), s.getOutputStream());
                        } catch (Exception e) {
                            // the check hung up first: fine
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    private static Map<String, String> at(int port, String... more) {
        Map<String, String> p = new java.util.HashMap<>(Map.of("host", "127.0.0.1", "port", String.valueOf(port)));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void listeningPortIsHealthy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HealthStatus s = check.check(at(server.getLocalPort()), Duration.ofSeconds(2));
            assertThat(s.health()).isEqualTo(Health.HEALTHY);
            assertThat(s.reason()).startsWith("127.0.0.1:" + server.getLocalPort() + " accepted a connection in ");
        }
    }

    @Test
    void closedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        HealthStatus s = check.check(at(port), Duration.ofSeconds(2));
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("no connection to 127.0.0.1:" + port + ": Connection refused");
    }

    @Test
    void silentHostIsUnhealthyWithinTheTimeout() throws Exception {
        // a listening socket that never accepts, its accept queue full: the kernel drops the next SYN
        ServerSocket server = new ServerSocket();
        cleanup.add(server);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        boolean full = false;
        for (int i = 0; i < 16 && !full; i++) {
            Socket filler = new Socket();
            cleanup.add(filler);
            try {
                filler.connect(server.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException e) {
                full = true;
            }
        }
        assertThat(full).as("accept queue filled").isTrue();

        Duration timeout = Duration.ofMillis(2000);
        long t0 = System.nanoTime();
        HealthStatus s = check.check(at(server.getLocalPort()), timeout);
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).startsWith("no connection to 127.0.0.1:" + server.getLocalPort() + " within ");
        assertThat(s.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000)); // margin: loaded CI scheduling
        assertThat(wall).isLessThan(timeout.plusMillis(1000));
    }

    @Test
    void requestAndExpectedReply() throws Exception {
        int port = serve((in, out) -> {
            String req = line(in);
            out.write((req.equals("PING") ? "+PONG\r\n" : "-ERR unknown command\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        HealthStatus ok = check.check(at(port, "send", "PING\\r\\n", "expect", "PONG"), Duration.ofSeconds(2));
        assertThat(ok.health()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).startsWith("127.0.0.1:" + port + " answered 'PONG' in ");

        HealthStatus wrong = check.check(at(port, "send", "HELLO\\n", "expect", "PONG"), Duration.ofSeconds(2));
        assertThat(wrong.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(wrong.reason()).isEqualTo("127.0.0.1:" + port
                + " closed the connection without 'PONG' (got '-ERR unknown command')");
    }

    @Test
    void bannerWithoutRequest() throws Exception {
        int port = serve((in, out) -> {
            out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            testOver.await();
        });
        HealthStatus s = check.check(at(port, "expect", "SSH-"), Duration.ofSeconds(2));
        assertThat(s.health()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).startsWith("127.0.0.1:" + port + " answered 'SSH-' in ");
    }

    @Test
    void connectedButNoReplyIsUnhealthyWithinTheTimeout() throws Exception {
        int port = serve((in, out) -> testOver.await());
        Duration timeout = Duration.ofMillis(1500);
        HealthStatus s = check.check(at(port, "send", "PING\\r\\n", "expect", "PONG"), timeout);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).startsWith("127.0.0.1:" + port + " sent no 'PONG' within ").endsWith("(got nothing)");
        // the check gives up at its timeout; the margin is for a loaded CI runner's scheduling only
        assertThat(s.elapsed()).isLessThanOrEqualTo(timeout.plusMillis(1000));
    }

    @Test
    void unresolvableNameIsUnhealthy() {
        HealthStatus s = check.check(Map.of("host", "no-such-host.invalid", "port", "80"), Duration.ofSeconds(2));
        assertThat(s.health()).isIn(Health.UNHEALTHY, Health.UNKNOWN); // UNKNOWN when the resolver itself hangs
        assertThat(s.reason()).contains("resolve no-such-host.invalid");
    }

    @Test
    void parametersAreValidatedByName() {
        assertThat(check.validate(Map.of())).containsExactly(
                "host: required (an IP address or a name, for example host=127.0.0.1)",
                "port: required (the service's TCP port, for example port=5432)");
        assertThat(check.validate(Map.of("host", "h", "port", "0"))).containsExactly("port: 0 is outside 1-65535");
        assertThat(check.validate(Map.of("host", "h", "port", "x"))).containsExactly("port: 'x' is not a number");
        assertThat(check.validate(Map.of("host", "h", "port", "1", "send", "a\\q"))).containsExactly(
                "send: '\\q' in 'a\\q' is not an escape (\\r \\n \\t \\\\)");
        assertThat(check.validate(Map.of("host", "h", "port", "1", "expect", ""))).containsExactly(
                "expect: empty (leave it out to accept any reply)");
        assertThat(check.validate(Map.of("host", "h", "port", "1", "url", "u"))).containsExactly(
                "url: unknown parameter (tcp takes host, port, send, expect)");
        HealthStatus s = check.check(Map.of("host", "h"), Duration.ofSeconds(1));
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("invalid parameters: port: required");
    }

    @Test
    void escapes() {
        assertThat(TcpCheck.unescape("a\\r\\n\\t\\\\b")).isEqualTo("a\r\n\t\\b");
        assertThatThrownBy(() -> TcpCheck.unescape("x\\")).hasMessageContaining("lone backslash");
    }
}
