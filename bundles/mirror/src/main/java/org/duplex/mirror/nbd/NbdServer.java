package org.duplex.mirror.nbd;

import org.duplex.mirror.block.BlockDevice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (fixed newstyle negotiation, simple replies). One platform thread per connection reads
 * requests; a shared bounded pool runs them so a client's queue depth turns into parallel I/O.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    /** An exported device and its description. */
    public record Export(String name, String description, BlockDevice device) {
    }

    private final NbdServerConfig config;
    private final Map<String, Export> exports = new ConcurrentHashMap<>();
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor connectionThreads;
    private final ThreadPoolExecutor workers;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private volatile boolean closed;

    public NbdServer(NbdServerConfig config) throws IOException {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.connectionThreads = new ThreadPoolExecutor(0, config.maxConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "nbd-conn-" + n.incrementAndGet()));
        this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "nbd-worker-" + n.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
        // a channel's socket: accepted connections have a SocketChannel, through which write payloads are read
        // into direct buffers
        this.serverSocket = ServerSocketChannel.open().socket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()), 64);
        this.acceptor = daemon(this::acceptLoop, "nbd-accept-" + serverSocket.getLocalPort());
        acceptor.start();
        LOG.info("NBD server listening on {}:{}", config.bindAddress(), serverSocket.getLocalPort());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public NbdServerConfig config() {
        return config;
    }

    public void addExport(String name, String description, BlockDevice device) {
        if (name.isEmpty() || name.length() > 4096) {
            throw new IllegalArgumentException("export name must have 1..4096 characters");
        }
        exports.put(name, new Export(name, description, device));
    }

    public void removeExport(String name) {
        exports.remove(name);
    }

    Map<String, Export> exports() {
        return exports;
    }

    /** The empty name selects the only export, when there is exactly one. */
    Optional<Export> lookup(String name) {
        if (name.isEmpty() && exports.size() == 1) {
            return exports.values().stream().findFirst();
        }
        return Optional.ofNullable(exports.get(name));
    }

    ExecutorService workers() {
        return workers;
    }

    public int connectionCount() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("NBD accept failed on port {}: {}", port(), e.toString());
                }
                continue;
            }
            NbdConnection c = new NbdConnection(this, s);
            try {
                connections.add(c);
                connectionThreads.execute(() -> {
                    try {
                        c.run();
                    } finally {
                        connections.remove(c);
                    }
                });
            } catch (RejectedExecutionException e) {
                connections.remove(c);
                LOG.warn("NBD connection from {} refused: {} connections already open (maxConnections)",
                        s.getRemoteSocketAddress(), config.maxConnections());
                c.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.forEach(NbdConnection::close);
        // shutdown, not shutdownNow: interrupting a worker mid-I/O would abort a device write half way
        connectionThreads.shutdown();
        workers.shutdown();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
