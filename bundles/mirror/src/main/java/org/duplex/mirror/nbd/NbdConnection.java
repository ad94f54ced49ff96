package org.duplex.mirror.nbd;

import java.io.IOException;
import java.net.Socket;

/** Binds one accepted socket to an {@link NbdSession}. */
final class NbdConnection {
    private final NbdServer server;
    private final Socket socket;

    NbdConnection(NbdServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    void run() {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) server.config().handshakeTimeout().toMillis());
            NbdSession s = new NbdSession(server::lookup, () -> server.exports().values(), server.workers(),
                    server.config(), socket.getInputStream(), socket.getChannel(), socket.getOutputStream(),
                    String.valueOf(socket.getRemoteSocketAddress()));
            s.onTransmission(() -> {
                try {
                    socket.setSoTimeout(0);
                } catch (IOException e) {
                    close();
                }
            });
            s.run();
        } catch (IOException e) {
            // socket already unusable
        } finally {
            close();
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
