package org.duplex.heartbeat.link.serial;

import java.io.ByteArrayOutputStream;

/**
 * SLIP-style byte stuffing (RFC 1055) for the serial line: every frame is wrapped in END bytes and END/ESC inside
 * it are escaped, so after line noise or a cable replugged mid-frame the reader resynchronises at the next END.
 * The decoder is a streaming state machine fed byte by byte; it never throws.
 */
public final class SlipFramer {

    static final int END = 0xC0;
    static final int ESC = 0xDB;
    static final int ESC_END = 0xDC;
    static final int ESC_ESC = 0xDD;

    /** What the decoder found when an END closed a frame. */
    public interface Sink {
        void frame(byte[] data, int length);

        /** Bytes dropped: a bad escape or a frame longer than the maximum. */
        void garbage(String why, int length);
    }

    private final byte[] buf;
    private final Sink sink;
    private int len;
    private boolean escaped;
    private boolean broken;
    private String brokenWhy = "";

    public SlipFramer(int maxFrame, Sink sink) {
        this.buf = new byte[maxFrame];
        this.sink = sink;
    }

    public static byte[] encode(byte[] frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length + 8);
        out.write(END);
        for (byte x : frame) {
            int b = x & 0xff;
            if (b == END) {
                out.write(ESC);
                out.write(ESC_END);
            } else if (b == ESC) {
                out.write(ESC);
                out.write(ESC_ESC);
            } else {
                out.write(b);
            }
        }
        out.write(END);
        return out.toByteArray();
    }

    public void feed(byte[] data, int off, int n) {
        for (int i = off; i < off + n; i++) {
            feed(data[i] & 0xff);
        }
    }

    private void feed(int b) {
        if (b == END) {
            if (broken) {
                sink.garbage(brokenWhy, len);
            } else if (len > 0) {
                sink.frame(buf, len);
            }
            len = 0;
            escaped = false;
            broken = false;
            return;
        }
        if (broken) {
            len++;
            return;
        }
        if (escaped) {
            escaped = false;
            if (b == ESC_END) {
                b = END;
            } else if (b == ESC_ESC) {
                b = ESC;
            } else {
                breakFrame("bad escape");
                return;
            }
        } else if (b == ESC) {
            escaped = true;
            return;
        }
        if (len == buf.length) {
            breakFrame("longer than " + buf.length + " bytes");
            return;
        }
        buf[len++] = (byte) b;
    }

    private void breakFrame(String why) {
        broken = true;
        brokenWhy = why;
        len++;
    }
}
