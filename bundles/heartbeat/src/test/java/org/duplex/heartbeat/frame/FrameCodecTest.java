package org.duplex.heartbeat.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FrameCodecTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    final FrameCodec codec = new FrameCodec("prod", KEY);

    static Frame frame(String cluster, long seq) {
        return new Frame(cluster, "node2", "udp0", 1000, seq, 1234567, Frame.PayloadType.COMPACT_STATUS, new byte[] {1, 2, 3});
    }

    static RejectReason reason(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        return ((DecodeResult.Rejected) r).reason();
    }

    @Test
    void roundTrip() {
        Frame f = frame("prod", 42);
        byte[] wire = codec.encode(f);
        assertThat(wire.length).isLessThan(100);
        assertThat(codec.decode(wire)).isEqualTo(new DecodeResult.Accepted(f));
    }

    @Test
    void forgedHmacIsRejected() {
        byte[] wire = codec.encode(frame("prod", 1));
        wire[wire.length - 1] ^= 1;
        assertThat(reason(codec.decode(wire))).isEqualTo(RejectReason.BAD_HMAC);
        FrameCodec otherKey = new FrameCodec("prod", "another key, also 32 bytes long.".getBytes(StandardCharsets.US_ASCII));
        assertThat(reason(codec.decode(otherKey.encode(frame("prod", 1))))).isEqualTo(RejectReason.BAD_HMAC);
    }

    @Test
    void tamperedFieldIsRejected() {
        byte[] wire = codec.encode(frame("prod", 1));
        wire[wire.length - 33] ^= 0x40; // last payload byte
        assertThat(reason(codec.decode(wire))).isEqualTo(RejectReason.BAD_HMAC);
    }

    @Test
    void wrongClusterIsRejected() {
        FrameCodec other = new FrameCodec("test", KEY);
        assertThat(reason(codec.decode(other.encode(frame("test", 1))))).isEqualTo(RejectReason.WRONG_CLUSTER);
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] wire = codec.encode(frame("prod", 1));
        for (int n = 0; n < wire.length; n++) {
            DecodeResult r = codec.decode(Arrays.copyOf(wire, n));
            assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        }
        assertThat(reason(codec.decode(Arrays.copyOf(wire, wire.length - 1)))).isEqualTo(RejectReason.TRUNCATED);
        assertThat(reason(codec.decode(Arrays.copyOf(wire, 10)))).isEqualTo(RejectReason.TRUNCATED);
    }

    @Test
    void oversizedAndTrailingBytesAreRejected() {
        assertThat(reason(codec.decode(new byte[FrameCodec.MAX_FRAME + 1]))).isEqualTo(RejectReason.OVERSIZED);
        byte[] wire = codec.encode(frame("prod", 1));
        assertThat(reason(codec.decode(Arrays.copyOf(wire, wire.length + 1)))).isNotNull();
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] wire = codec.encode(frame("prod", 1));
        wire[2] = 2;
        assertThat(reason(codec.decode(wire))).isEqualTo(RejectReason.UNKNOWN_VERSION);
    }

    @Test
    void badMagicIsMalformed() {
        byte[] wire = codec.encode(frame("prod", 1));
        wire[0] = 'X';
        assertThat(reason(codec.decode(wire))).isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void encoderRefusesBadFields() {
        assertThatThrownBy(() -> codec.encode(frame("test", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameCodec("prod", new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replayOldSequenceAndOlderIncarnationAreRefused() {
        ReplayGuard g = new ReplayGuard(16);
        assertThat(g.check(frame("prod", 5))).isEmpty();
        assertThat(g.check(frame("prod", 5)).orElseThrow().reason()).isEqualTo(RejectReason.REPLAY);
        assertThat(g.check(frame("prod", 4)).orElseThrow().reason()).isEqualTo(RejectReason.REPLAY);
        assertThat(g.check(frame("prod", 6))).isEmpty();
        Frame otherStream = new Frame("prod", "node2", "tcp0", 1000, 1, 0, Frame.PayloadType.COMPACT_STATUS, new byte[0]);
        assertThat(g.check(otherStream)).isEmpty();
        Frame restarted = new Frame("prod", "node2", "udp0", 2000, 1, 0, Frame.PayloadType.COMPACT_STATUS, new byte[0]);
        assertThat(g.check(restarted)).isEmpty();
        assertThat(g.check(frame("prod", 7)).orElseThrow().reason()).isEqualTo(RejectReason.OLD_INCARNATION);
    }

    @Test
    void countersCountPerReasonAndSource() {
        RejectionCounters c = new RejectionCounters(2);
        c.count("udp0", "10.0.0.1:1", RejectReason.BAD_HMAC);
        c.count("udp0", "10.0.0.1:1", RejectReason.BAD_HMAC);
        c.count("udp0", "10.0.0.2:1", RejectReason.REPLAY);
        c.count("udp0", "10.0.0.3:1", RejectReason.REPLAY);
        assertThat(c.total(RejectReason.BAD_HMAC)).isEqualTo(2);
        assertThat(c.total()).isEqualTo(4);
        assertThat(c.totalForLink("udp0")).isEqualTo(4);
        assertThat(c.rows()).extracting(RejectionCounters.Row::source).contains("(other sources)");
    }
}
