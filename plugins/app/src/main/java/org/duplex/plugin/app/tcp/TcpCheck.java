package org.duplex.plugin.app.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.app.check.Deadline;
import org.duplex.plugin.app.check.Params;

/**
 * A TCP service answers: a connect to {@code host:port} within the timeout, optionally a request ({@code send},
 * with {@code \r \n \t \\} escapes) and a reply that must contain {@code expect} (a banner such as
 * {@code SSH-} needs no {@code send}). Free of OSGi so unit tests drive it directly.
 */
public final class TcpCheck {

    static final List<String> KNOWN = List.of("host", "port", "send", "expect");
    /** A reply is read up to this size looking for {@code expect}. */
    static final int MAX_REPLY = 64 * 1024;

    /** The validated parameters. */
    record Target(String host, int port, byte[] send, String expect) {
    }

    public List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    private static Target parse(Map<String, String> params, List<String> problems) {
        String host = Params.required(params, "host", "an IP address or a name, for example host=127.0.0.1",
                problems);
        Integer port = Params.port(params, "port", problems);
        if (port == null && !params.containsKey("port")) {
            problems.add("port: required (the service's TCP port, for example port=5432)");
        }
        byte[] send = null;
        if (params.containsKey("send")) {
            try {
                send = unescape(params.get("send")).getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add("send: " + e.getMessage());
            }
        }
        String expect = null;
        if (params.containsKey("expect")) {
            try {
                expect = unescape(params.get("expect"));
                if (expect.isEmpty()) {
                    problems.add("expect: empty (leave it out to accept any reply)");
                }
            } catch (IllegalArgumentException e) {
                problems.add("expect: " + e.getMessage());
            }
        }
        Params.noOthers(params, "tcp", KNOWN, problems);
        return problems.isEmpty() ? new Target(host, port, send, expect) : null;
    }

    public HealthStatus check(Map<String, String> params, java.time.Duration timeout) {
        Deadline deadline = Deadline.of(timeout);
        List<String> problems = new ArrayList<>();
        Target t = parse(params, problems);
        if (t == null) {
            return HealthStatus.unknown("invalid parameters: " + String.join("; ", problems), deadline.elapsed());
        }
        String where = t.host() + ":" + t.port();
        InetAddress address;
        try {
            address = resolve(t.host(), deadline);
        } catch (UnknownHostException e) {
            return HealthStatus.unhealthy("cannot resolve " + t.host() + ": " + e.getMessage(), deadline.elapsed());
        } catch (TimeoutException e) {
            return HealthStatus.unknown("could not resolve " + t.host() + " within " + deadline.budgetMillis()
                    + " ms", deadline.elapsed());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthStatus.unknown("check interrupted while resolving " + t.host(), deadline.elapsed());
        }
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(address, t.port()), deadline.remainingMillis());
            } catch (SocketTimeoutException e) {
                return HealthStatus.unhealthy("no connection to " + where + " within " + deadline.budgetMillis()
                        + " ms", deadline.elapsed());
            } catch (ConnectException e) {
                return HealthStatus.unhealthy("no connection to " + where + ": " + e.getMessage(),
                        deadline.elapsed());
            }
            String connected = Deadline.millis(deadline.elapsed());
            if (t.send() != null) {
                socket.getOutputStream().write(t.send());
                socket.getOutputStream().flush();
            }
            if (t.expect() == null) {
                return HealthStatus.healthy(where + " accepted a connection in " + connected
                        + (t.send() == null ? "" : " and took " + t.send().length + " bytes"), deadline.elapsed());
            }
            return awaitReply(socket, t, where, deadline);
        } catch (IOException e) {
            return HealthStatus.unhealthy(where + ": " + Params.describe(e), deadline.elapsed());
        }
    }

    private static HealthStatus awaitReply(Socket socket, Target t, String where, Deadline deadline)
            throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        while (true) {
            if (deadline.expired()) {
                return noReply(where, t, reply, "sent no '" + t.expect() + "' within " + deadline.budgetMillis()
                        + " ms", deadline);
            }
            socket.setSoTimeout(deadline.remainingMillis());
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return noReply(where, t, reply, "sent no '" + t.expect() + "' within " + deadline.budgetMillis()
                        + " ms", deadline);
            }
            if (n < 0) {
                return noReply(where, t, reply, "closed the connection without '" + t.expect() + "'", deadline);
            }
            reply.write(buf, 0, Math.min(n, MAX_REPLY - reply.size()));
            // decoded whole each time: a multi-byte character or the expected text may straddle two reads
            if (reply.toString(StandardCharsets.UTF_8).contains(t.expect())) {
                return HealthStatus.healthy(where + " answered '" + Params.excerpt(t.expect(), 60) + "' in "
                        + Deadline.millis(deadline.elapsed()), deadline.elapsed());
            }
            if (reply.size() >= MAX_REPLY) {
                return noReply(where, t, reply, "sent " + MAX_REPLY + " bytes without '" + t.expect() + "'",
                        deadline);
            }
        }
    }

    private static HealthStatus noReply(String where, Target t, ByteArrayOutputStream reply, String what,
                                        Deadline deadline) {
        String got = reply.size() == 0 ? "nothing"
                : "'" + Params.excerpt(reply.toString(StandardCharsets.UTF_8), 80) + "'";
        return HealthStatus.unhealthy(where + " " + what + " (got " + got + ")", deadline.elapsed());
    }

    /**
     * Looks a name up within the deadline. The JDK's resolver has no timeout of its own and can block for many
     * seconds on a dead DNS server, so a name is resolved on a short-lived thread; an address literal needs none.
     */
    private static InetAddress resolve(String host, Deadline deadline)
            throws UnknownHostException, TimeoutException, InterruptedException {
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return InetAddress.getByName(host);
        }
        CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                lookup.complete(InetAddress.getByName(host));
            } catch (Throwable e) {
                lookup.completeExceptionally(e);
            }
        }, "duplex-tcp-resolve-" + host);
        t.setDaemon(true);
        t.start();
        try {
            return lookup.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        }
    }

    /** {@code \r \n \t \\} as the characters; any other backslash sequence is an error. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 == s.length()) {
                throw new IllegalArgumentException("'" + s + "' ends with a lone backslash");
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '\\' -> out.append('\\');
                default -> throw new IllegalArgumentException("'\\" + n + "' in '" + s
                        + "' is not an escape (\\r \\n \\t \\\\)");
            }
        }
        return out.toString();
    }
}
