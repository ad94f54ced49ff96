package org.duplex.plugin.ping;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening socket that never accepts, with its accept queue filled: the kernel drops further SYNs, so a new
 * connection gets no answer at all, like a host that is down behind a router. Nothing to do with timing: the
 * queue stays full until {@link #close}.
 */
final class SilentPort implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    SilentPort(InetAddress address, int port) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(address, port), 1);
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 300);
                fillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return;
            }
        }
        close();
        throw new IOException("the accept queue of " + server.getLocalSocketAddress() + " never filled");
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
