package org.duplex.heartbeat.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.duplex.heartbeat.link.serial.SlipFramer;
import org.junit.jupiter.api.Test;

class SlipFramerTest {

    final List<byte[]> frames = new ArrayList<>();
    final List<String> garbage = new ArrayList<>();
    final SlipFramer framer = new SlipFramer(64, new SlipFramer.Sink() {
        @Override
        public void frame(byte[] data, int length) {
            frames.add(Arrays.copyOf(data, length));
        }

        @Override
        public void garbage(String why, int length) {
            garbage.add(why);
        }
    });

    void feed(byte[] b) {
        framer.feed(b, 0, b.length);
    }

    @Test
    void specialBytesSurviveStuffing() {
        byte[] f = {1, (byte) 0xC0, 2, (byte) 0xDB, 3, (byte) 0xDC, (byte) 0xDD};
        byte[] wire = SlipFramer.encode(f);
        // Fed one byte at a time, as a serial port may deliver it.
        for (byte b : wire) {
            framer.feed(new byte[] {b}, 0, 1);
        }
        assertThat(frames).containsExactly(f);
    }

    @Test
    void resynchronisesAfterGarbage() {
        feed(new byte[] {9, 9, (byte) 0xDB, 7, 9}); // noise with a bad escape, then a frame
        feed(SlipFramer.encode(new byte[] {1, 2, 3}));
        feed(new byte[70]); // a runaway frame longer than the maximum
        feed(SlipFramer.encode(new byte[] {4}));
        assertThat(frames).containsExactly(new byte[] {1, 2, 3}, new byte[] {4});
        assertThat(garbage).containsExactly("bad escape", "longer than 64 bytes");
    }
}
