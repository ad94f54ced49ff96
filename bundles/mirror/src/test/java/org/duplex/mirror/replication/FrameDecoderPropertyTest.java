package org.duplex.mirror.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The replication decoder never throws, never allocates from an unchecked length, and rejects tampering. */
class FrameDecoderPropertyTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @Property(tries = 1000)
    void arbitraryBytesYieldBadOrAFrameNeverAnException(@ForAll @Size(max = 300) byte[] bytes) {
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), 1 << 20);
        for (int i = 0; i < 10; i++) {
            FrameReader.Result res = r.read();
            assertThat(res).isNotNull();
            if (res instanceof FrameReader.Bad) {
                return;
            }
        }
    }

    @Property(tries = 300)
    void validHeaderWithHugeLengthIsRejectedBeforeAllocating(@ForAll @IntRange(min = 1, max = 17) int type,
                                                             @ForAll int length) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Frame.HEADER_BYTES);
        b.putInt(Frame.MAGIC).put((byte) Frame.VERSION).put((byte) type).putShort((short) 0).putLong(1)
                .putInt(length);
        FrameReader r = new FrameReader(new ByteArrayInputStream(b.array()), 4096);
        FrameReader.Result res = r.read();
        // nothing follows the header: only an empty payload can decode
        assertThat(res).isInstanceOf(length == 0 ? FrameReader.Ok.class : FrameReader.Bad.class);
    }

    @Property(tries = 300)
    void anySingleByteFlipOfAnAuthenticatedFrameIsRejected(@ForAll @Size(max = 200) byte[] payload,
                                                           @ForAll @IntRange(min = 1, max = 17) int type,
                                                           @ForAll int position, @ForAll byte flip)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        w.setKey(KEY);
        w.send(type, 0, payload);
        byte[] wire = out.toByteArray();
        FrameReader ok = new FrameReader(new ByteArrayInputStream(wire), 1 << 20);
        ok.setKey(KEY);
        assertThat(ok.read()).isInstanceOf(FrameReader.Ok.class);
        int pos = Math.floorMod(position, wire.length);
        byte f = flip == 0 ? 1 : flip;
        wire[pos] ^= f;
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire), 1 << 20);
        r.setKey(KEY);
        assertThat(r.read()).isInstanceOf(FrameReader.Bad.class);
    }

    @Property(tries = 100)
    void replayedFramesAreRejected(@ForAll @Size(max = 50) byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        w.send(FrameType.PING, 0, payload);
        byte[] one = out.toByteArray();
        byte[] twice = new byte[one.length * 2];
        System.arraycopy(one, 0, twice, 0, one.length);
        System.arraycopy(one, 0, twice, one.length, one.length);
        FrameReader r = new FrameReader(new ByteArrayInputStream(twice), 1 << 20);
        assertThat(r.read()).isInstanceOf(FrameReader.Ok.class);
        assertThat(r.read()).isInstanceOf(FrameReader.Bad.class);
    }

    @Property(tries = 1000)
    void helloDecoderNeverThrows(@ForAll @Size(max = 200) byte[] bytes) {
        assertThat(Hello.decode(bytes)).isNotNull();
    }
}
