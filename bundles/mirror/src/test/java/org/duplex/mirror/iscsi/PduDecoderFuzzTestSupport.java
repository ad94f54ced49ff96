package org.duplex.mirror.iscsi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.duplex.mirror.iscsi.pdu.PduCodec;

final class PduDecoderFuzzTestSupport {
    private PduDecoderFuzzTestSupport() {
    }

    static PduCodec reader(byte[] wire, boolean hd, boolean dd, int maxSegment) {
        PduCodec c = new PduCodec(new ByteArrayInputStream(wire), new ByteArrayOutputStream(), maxSegment);
        c.digests(hd, dd);
        return c;
    }
}
