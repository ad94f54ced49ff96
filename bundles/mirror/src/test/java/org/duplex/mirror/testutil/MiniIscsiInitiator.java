package org.duplex.mirror.testutil;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.mirror.iscsi.login.TextParameters;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.iscsi.pdu.PduCodec;

/**
 * A raw iSCSI initiator for protocol tests: sends hand-built PDUs and reads the target's, with digests when asked.
 * It checks nothing itself; the tests do.
 */
public final class MiniIscsiInitiator implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    public boolean headerDigest;
    public boolean dataDigest;
    public int cmdSN = 1;
    public int expStatSN;
    private int itt = 0x100;

    public MiniIscsiInitiator(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public int nextItt() {
        return itt++;
    }

    public void send(Pdu p) throws IOException {
        out.write(PduCodec.encode(p, headerDigest, dataDigest));
        out.flush();
    }

    /** Writes raw bytes (a corrupted PDU). */
    public void sendRaw(byte[] wire) throws IOException {
        out.write(wire);
        out.flush();
    }

    public Pdu read() throws IOException {
        byte[] bhs = new byte[48];
        in.readFully(bhs);
        Pdu h = new Pdu(bhs, new byte[0], new byte[0]);
        byte[] ahs = new byte[h.totalAhsLength()];
        in.readFully(ahs);
        if (headerDigest) {
            in.readFully(new byte[4]);
        }
        byte[] data = new byte[h.dataSegmentLength()];
        in.readFully(data);
        in.readFully(new byte[((data.length + 3) & ~3) - data.length]);
        if (dataDigest && data.length > 0) {
            in.readFully(new byte[4]);
        }
        Pdu p = new Pdu(bhs, ahs, data);
        int op = p.opcode();
        if (op != Opcode.R2T && op != Opcode.DATA_IN || (op == Opcode.DATA_IN && (p.flags() & 0x01) != 0)) {
            expStatSN = p.u32(24) + 1;
        }
        return p;
    }

    /** True when the target closed the connection (reads EOF). */
    public boolean closedByTarget() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    public Pdu loginRequest(int csg, int nsg, boolean transit, Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST, TextParameters.encode(keys));
        p.u8(0, 0x40 | Opcode.LOGIN_REQUEST);
        p.u8(1, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0));
        p.u8(8, 0x80); // ISID: random type
        p.u8(13, 1);
        p.u32(16, 0x1);
        p.u32(24, cmdSN);
        p.u32(28, expStatSN);
        return p;
    }

    /** Logs in without authentication, straight to the full feature phase, with these operational keys. */
    public Pdu login(String target, Map<String, String> operational) throws IOException {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("InitiatorName", "iqn.2026-12.org.duplex.test:mini");
        k.put("SessionType", target == null ? "Discovery" : "Normal");
        if (target != null) {
            k.put("TargetName", target);
        }
        k.put("AuthMethod", "None");
        send(loginRequest(0, 1, true, k));
        Pdu r = read();
        if (r.u16(36) != 0) {
            return r;
        }
        send(loginRequest(1, 3, true, operational));
        return read();
    }

    public Pdu scsiCommand(int flags, long lun, int edtl, byte[] cdb, byte[] immediate) {
        Pdu p = Pdu.of(Opcode.SCSI_COMMAND, immediate);
        p.u8(1, flags);
        p.u64(8, lun);
        p.u32(16, nextItt());
        p.u32(20, edtl);
        p.u32(24, cmdSN++);
        p.u32(28, expStatSN);
        System.arraycopy(cdb, 0, p.bhs(), 32, cdb.length);
        return p;
    }

    public Pdu dataOut(int itt, int ttt, int dataSN, int offset, byte[] data, boolean last) {
        Pdu p = Pdu.of(Opcode.DATA_OUT, data);
        p.u8(1, last ? 0x80 : 0);
        p.u32(16, itt);
        p.u32(20, ttt);
        p.u32(28, expStatSN);
        p.u32(36, dataSN);
        p.u32(40, offset);
        return p;
    }

    /** Reads PDUs until the one that ends the command (SCSI Response, or Data-In with status). */
    public Pdu readUntilStatus(java.io.ByteArrayOutputStream dataIn) throws IOException {
        while (true) {
            Pdu p = read();
            if (p.opcode() == Opcode.DATA_IN) {
                dataIn.writeBytes(p.data());
                if ((p.flags() & 0x01) != 0) {
                    return p;
                }
            } else {
                return p;
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test over
        }
    }

    public static boolean eof(IOException e) {
        return e instanceof EOFException || e instanceof java.net.SocketException;
    }
}
