package org.duplex.mirror.testutil;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal synchronous NBD client (NBD_OPT_GO, one request at a time) for tests that log acknowledgements. */
public final class MiniNbdClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private long handle;
    public final long size;

    public MiniNbdClient(String host, int port, String export) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        if (in.readLong() != 0x4e42444d41474943L || in.readLong() != 0x49484156454F5054L) {
            throw new IOException("not an NBD newstyle server");
        }
        in.readUnsignedShort();
        out.writeInt(3);
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        out.writeLong(0x49484156454F5054L);
        out.writeInt(7);
        out.writeInt(4 + name.length + 2);
        out.writeInt(name.length);
        out.write(name);
        out.writeShort(0);
        out.flush();
        long sz = -1;
        while (true) {
            in.readLong();
            in.readInt();
            int type = in.readInt();
            int len = in.readInt();
            byte[] data = new byte[len];
            in.readFully(data);
            if (type == 1) {
                break;
            }
            if (type < 0) {
                throw new IOException("GO refused: " + new String(data, StandardCharsets.UTF_8));
            }
            if (type == 3 && len >= 12 && data[0] == 0 && data[1] == 0) {
                sz = java.nio.ByteBuffer.wrap(data, 2, 8).getLong();
            }
        }
        size = sz;
    }

    /** Returns the NBD error (0 = success). */
    public int write(long offset, byte[] data, boolean fua) throws IOException {
        request(1, fua ? 1 : 0, offset, data.length);
        out.write(data);
        out.flush();
        return readReply(null);
    }

    public int read(long offset, byte[] into) throws IOException {
        request(0, 0, offset, into.length);
        out.flush();
        return readReply(into);
    }

    public int flush() throws IOException {
        request(3, 0, 0, 0);
        out.flush();
        return readReply(null);
    }

    private void request(int type, int flags, long offset, int len) throws IOException {
        out.writeInt(0x25609513);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(++handle);
        out.writeLong(offset);
        out.writeInt(len);
    }

    private int readReply(byte[] into) throws IOException {
        if (in.readInt() != 0x67446698) {
            throw new IOException("bad reply magic");
        }
        int err = in.readInt();
        long h = in.readLong();
        if (h != handle) {
            throw new IOException("reply for handle " + h + ", expected " + handle);
        }
        if (err == 0 && into != null) {
            in.readFully(into);
        }
        return err;
    }

    @Override
    public void close() throws IOException {
        try {
            request(2, 0, 0, 0);
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
