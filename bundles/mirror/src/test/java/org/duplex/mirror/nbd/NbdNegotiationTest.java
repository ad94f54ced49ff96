package org.duplex.mirror.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Option haggling paths the real clients in NbdRealClientsTest do not all take. */
class NbdNegotiationTest {

    static byte[] session(byte[] input) {
        NbdSessionPropertyTest.RecordingDevice dev = new NbdSessionPropertyTest.RecordingDevice(false);
        return NbdSessionPropertyTest.run(dev, input);
    }

    static DataOutputStream option(ByteArrayOutputStream b, int option, byte[] data) throws IOException {
        DataOutputStream o = new DataOutputStream(b);
        o.writeLong(Nbd.IHAVEOPT);
        o.writeInt(option);
        o.writeInt(data.length);
        o.write(data);
        return o;
    }

    @Test
    void exportNameWithAndWithoutTheZeroPadding() throws IOException {
        for (int clientFlags : new int[] {Nbd.FLAG_C_FIXED_NEWSTYLE, Nbd.FLAG_C_FIXED_NEWSTYLE | Nbd.FLAG_C_NO_ZEROES}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            new DataOutputStream(b).writeInt(clientFlags);
            option(b, Nbd.OPT_EXPORT_NAME, "e".getBytes(StandardCharsets.UTF_8));
            byte[] out = session(b.toByteArray());
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(out));
            assertThat(in.readLong()).isEqualTo(Nbd.NBDMAGIC);
            assertThat(in.readLong()).isEqualTo(Nbd.IHAVEOPT);
            assertThat(in.readUnsignedShort()).isEqualTo(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertThat(in.readLong()).isEqualTo(NbdSessionPropertyTest.SIZE);
            int flags = in.readUnsignedShort();
            assertThat(flags & Nbd.TFLAG_HAS_FLAGS).isNotZero();
            assertThat(flags & Nbd.TFLAG_SEND_FUA).isNotZero();
            int rest = in.available();
            assertThat(rest).isEqualTo((clientFlags & Nbd.FLAG_C_NO_ZEROES) != 0 ? 0 : 124);
        }
    }

    @Test
    void unknownClientFlagsCloseAtOnce() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new DataOutputStream(b).writeInt(1 << 5);
        option(b, Nbd.OPT_EXPORT_NAME, "e".getBytes(StandardCharsets.UTF_8));
        assertThat(session(b.toByteArray())).hasSize(18);
    }

    @Test
    void listThenInfoThenAbort() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new DataOutputStream(b).writeInt(Nbd.FLAG_C_FIXED_NEWSTYLE);
        option(b, Nbd.OPT_LIST, new byte[0]);
        option(b, Nbd.OPT_LIST, new byte[3]);
        byte[] info = {0, 0, 0, 1, 'e', 0, 1, 0, 3};
        option(b, Nbd.OPT_INFO, info);
        option(b, Nbd.OPT_INFO, new byte[] {0, 0, 0, 9, 'x'});
        option(b, 8, new byte[0]);
        option(b, Nbd.OPT_ABORT, new byte[0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(session(b.toByteArray())));
        in.skipNBytes(18);
        int[][] expected = {
            {Nbd.OPT_LIST, Nbd.REP_SERVER}, {Nbd.OPT_LIST, Nbd.REP_ACK}, {Nbd.OPT_LIST, Nbd.REP_ERR_INVALID},
            {Nbd.OPT_INFO, Nbd.REP_INFO}, {Nbd.OPT_INFO, Nbd.REP_INFO}, {Nbd.OPT_INFO, Nbd.REP_ACK},
            {Nbd.OPT_INFO, Nbd.REP_ERR_INVALID}, {8, Nbd.REP_ERR_UNSUP}, {Nbd.OPT_ABORT, Nbd.REP_ACK},
        };
        for (int[] e : expected) {
            assertThat(in.readLong()).isEqualTo(Nbd.OPT_REPLY_MAGIC);
            assertThat(in.readInt()).isEqualTo(e[0]);
            assertThat(in.readInt()).isEqualTo(e[1]);
            in.skipNBytes(in.readInt());
        }
        assertThat(in.available()).isZero();
    }
}
