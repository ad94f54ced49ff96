package org.duplex.heartbeat.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the decoder: random bytes, and valid frames with random mutations. Nothing may escape the decoder, and
 * no frame that differs from what the key holder sent may be accepted.
 */
class FrameDecoderPropertiesTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    final FrameCodec codec = new FrameCodec("prod", KEY);

    @Property(tries = 3000)
    void randomBytesAreNeverAccepted(@ForAll @Size(max = 1500) byte[] data) {
        DecodeResult r = codec.decode(data);
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) r).detail()).doesNotContain("decoder error");
    }

    @Property(tries = 3000)
    void randomBytesBehindAValidPrefixAreNeverAccepted(@ForAll @Size(max = 1500) byte[] tail) {
        byte[] data = new byte[tail.length + 3];
        data[0] = 0x44;
        data[1] = 0x48;
        data[2] = 1;
        System.arraycopy(tail, 0, data, 3, tail.length);
        DecodeResult r = codec.decode(data);
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) r).detail()).doesNotContain("decoder error");
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(20)
                .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
        return Combinators.combine(names, names, Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
                .as((s, l, inc, seq, t, p) -> new Frame("prod", s, l, inc, seq, t, Frame.PayloadType.FULL_STATUS, p));
    }

    @Property(tries = 2000)
    void validFramesRoundTrip(@ForAll("frames") Frame f) {
        assertThat(codec.decode(codec.encode(f))).isEqualTo(new DecodeResult.Accepted(f));
    }

    @Property(tries = 5000)
    void mutatedFramesAreRejectedOrIdentical(@ForAll("frames") Frame f, @ForAll @Size(min = 1, max = 8) int[] positions,
            @ForAll @Size(min = 8, max = 8) byte[] xors, @ForAll boolean truncate, @ForAll int cut) {
        byte[] wire = codec.encode(f);
        byte[] mutated = wire.clone();
        for (int i = 0; i < positions.length; i++) {
            int pos = Math.floorMod(positions[i], mutated.length);
            mutated[pos] ^= xors[i];
        }
        if (truncate) {
            mutated = java.util.Arrays.copyOf(mutated, Math.floorMod(cut, mutated.length));
        }
        DecodeResult r = codec.decode(mutated);
        if (java.util.Arrays.equals(mutated, wire)) {
            assertThat(r).isEqualTo(new DecodeResult.Accepted(f));
        } else {
            assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
            assertThat(((DecodeResult.Rejected) r).detail()).doesNotContain("decoder error");
        }
    }
}
