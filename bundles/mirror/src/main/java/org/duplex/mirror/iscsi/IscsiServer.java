package org.duplex.mirror.iscsi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iSCSI target portal: accepts connections and runs one {@link IscsiSession} per connection on its own thread.
 * Targets are added and removed while it runs; a connection beyond {@code maxConnections} is closed at accept, and
 * one that has not logged in within the login timeout is closed too (a login flood costs sockets, nothing else).
 */
public final class IscsiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiServer.class);

    private final IscsiServerConfig config;
    private final Map<String, IscsiTarget> targets = new ConcurrentHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor threads;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final AtomicInteger tsih = new AtomicInteger();
    private volatile boolean closed;

    public IscsiServer(IscsiServerConfig config) throws IOException {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, config.maxConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "iscsi-conn-" + n.incrementAndGet()));
        // a channel's socket: sessions send large READs from a direct buffer by gathering writes on its channel
        this.serverSocket = ServerSocketChannel.open().socket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()), 64);
        this.acceptor = daemon(this::acceptLoop, "iscsi-accept-" + serverSocket.getLocalPort());
        acceptor.start();
        LOG.info("iSCSI target portal listening on {}:{}", config.bindAddress(), serverSocket.getLocalPort());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public IscsiServerConfig config() {
        return config;
    }

    public void addTarget(IscsiTarget t) {
        targets.put(t.iqn(), t);
    }

    public void removeTarget(String iqn) {
        targets.remove(iqn);
    }

    Optional<IscsiTarget> lookup(String iqn) {
        return Optional.ofNullable(targets.get(iqn));
    }

    Collection<IscsiTarget> targets() {
        return targets.values();
    }

    public int connectionCount() {
        return connections.size();
    }

    private int nextTsih() {
        int t;
        do {
            t = tsih.incrementAndGet() & 0xffff;
        } while (t == 0);
        return t;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("iSCSI accept failed on port {}: {}", port(), e.toString());
                }
                continue;
            }
            try {
                connections.add(s);
                threads.execute(() -> {
                    try {
                        serve(s);
                    } finally {
                        connections.remove(s);
                        closeQuietly(s);
                    }
                });
            } catch (RejectedExecutionException e) {
                connections.remove(s);
                LOG.warn("iSCSI connection from {} refused: {} connections already open (maxConnections)",
                        s.getRemoteSocketAddress(), config.maxConnections());
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket s) {
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout((int) config.loginTimeout().toMillis());
            InetAddress local = s.getLocalAddress();
            String host = local instanceof Inet6Address ? "[" + local.getHostAddress() + "]" : local.getHostAddress();
            IscsiSession session = new IscsiSession(this::lookup, this::targets, host + ":" + port(), config,
                    new BufferedInputStream(s.getInputStream(), 64 * 1024),
                    new BufferedOutputStream(s.getOutputStream(), 64 * 1024), s.getChannel(),
                    String.valueOf(s.getRemoteSocketAddress()), nextTsih());
            session.onFullFeature(() -> {
                try {
                    s.setSoTimeout(0);
                } catch (IOException e) {
                    closeQuietly(s);
                }
            });
            session.run();
        } catch (IOException e) {
            LOG.debug("iSCSI connection {} unusable: {}", s.getRemoteSocketAddress(), e.toString());
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        connections.forEach(IscsiServer::closeQuietly);
        threads.shutdown();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
