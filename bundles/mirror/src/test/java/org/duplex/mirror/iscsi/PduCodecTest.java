package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;

import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.iscsi.pdu.PduCodec;
import org.duplex.mirror.iscsi.pdu.PduException;
import org.junit.jupiter.api.Test;

/** The PDU codec: padding, CRC32C digests, and what it refuses (RFC 7143 §11.2, §7.8). */
class PduCodecTest {

    static Pdu nopOut(int itt, byte[] data) {
        Pdu p = Pdu.of(Opcode.NOP_OUT, data);
        p.u8(0, 0x40);
        p.u8(1, 0x80);
        p.u32(16, itt);
        p.u32(20, Opcode.RESERVED_TAG);
        return p;
    }

    static PduCodec reader(byte[] wire, boolean hd, boolean dd, int maxSegment) {
        PduCodec c = new PduCodec(new ByteArrayInputStream(wire), new ByteArrayOutputStream(), maxSegment);
        c.digests(hd, dd);
        return c;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void crc32cIsTheCastagnoliCheckValue() {
        byte[] v = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(PduCodec.crc32c(v, 0, v.length)).isEqualTo(0xe3069283);
    }

    @Test
    void dataSegmentIsPaddedToFourBytesAndDecodesBack() throws Exception {
        byte[] wire = PduCodec.encode(nopOut(7, new byte[] {1, 2, 3, 4, 5}), false, false);
        assertThat(wire).hasSize(48 + 8);
        assertThat(wire[48 + 5]).isZero();
        Pdu back = reader(wire, false, false, 8192).read();
        assertThat(back.itt()).isEqualTo(7);
        assertThat(back.data()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void digestsFollowHeaderAndPaddedDataLeastSignificantByteFirst() throws Exception {
        byte[] wire = PduCodec.encode(nopOut(9, new byte[] {9, 8, 7}), true, true);
        assertThat(wire).hasSize(48 + 4 + 4 + 4);
        int hcrc = PduCodec.crc32c(wire, 0, 48);
        assertThat(wire[48]).isEqualTo((byte) hcrc);
        assertThat(wire[51]).isEqualTo((byte) (hcrc >>> 24));
        int dcrc = PduCodec.crc32c(wire, 52, 4);
        assertThat(wire[56]).isEqualTo((byte) dcrc);
        assertThat(reader(wire, true, true, 8192).read().data()).containsExactly(9, 8, 7);
        // no data: no data digest
        assertThat(PduCodec.encode(nopOut(9, new byte[0]), true, true)).hasSize(52);
    }

    @Test
    void aHeaderDigestErrorDropsTheConnection() {
        byte[] wire = PduCodec.encode(nopOut(1, new byte[8]), true, false);
        wire[20] ^= 1;
        assertThatThrownBy(() -> reader(wire, true, false, 8192).read()).isInstanceOfSatisfying(PduException.class,
                e -> assertThat(e.dropConnection()).isTrue());
    }

    @Test
    void aDataDigestErrorRejectsThatPduAndTheNextStillDecodes() throws Exception {
        byte[] bad = PduCodec.encode(nopOut(1, new byte[] {1, 2, 3, 4}), true, true);
        bad[52] ^= 0x10;
        byte[] good = PduCodec.encode(nopOut(2, new byte[] {5}), true, true);
        PduCodec c = reader(concat(bad, good), true, true, 8192);
        assertThatThrownBy(c::read).isInstanceOfSatisfying(PduException.class, e -> {
            assertThat(e.dropConnection()).isFalse();
            assertThat(e.rejectReason()).isEqualTo(Opcode.REJECT_DATA_DIGEST);
            assertThat(e.header().itt()).isEqualTo(1);
        });
        assertThat(c.read().itt()).isEqualTo(2);
    }

    @Test
    void aSegmentBeyondMaxRecvDataSegmentLengthIsRejectedAndDropped() {
        byte[] wire = PduCodec.encode(nopOut(1, new byte[8193]), false, false);
        assertThatThrownBy(() -> reader(wire, false, false, 8192).read()).isInstanceOfSatisfying(
                PduException.class, e -> {
                    assertThat(e.dropConnection()).isTrue();
                    assertThat(e.rejectReason()).isEqualTo(Opcode.REJECT_PROTOCOL_ERROR);
                    assertThat(e.getMessage()).contains("8193", "MaxRecvDataSegmentLength 8192");
                });
    }

    @Test
    void malformedAhsAndTargetOpcodesAreRejectedKeepingTheFraming() throws Exception {
        Pdu withAhs = new Pdu(nopOut(1, new byte[0]).bhs(), new byte[] {0, 1, 9, 0}, new byte[0]); // AHS type 9
        Pdu targetOp = Pdu.of(Opcode.SCSI_RESPONSE, new byte[4]);
        PduCodec c = reader(concat(PduCodec.encode(withAhs, false, false), PduCodec.encode(targetOp, false, false),
                PduCodec.encode(nopOut(3, new byte[0]), false, false)), false, false, 8192);
        assertThatThrownBy(c::read).isInstanceOfSatisfying(PduException.class,
                e -> assertThat(e.rejectReason()).isEqualTo(Opcode.REJECT_INVALID_PDU_FIELD));
        assertThatThrownBy(c::read).isInstanceOfSatisfying(PduException.class,
                e -> assertThat(e.rejectReason()).isEqualTo(Opcode.REJECT_PROTOCOL_ERROR));
        assertThat(c.read().itt()).isEqualTo(3);
    }

    @Test
    void aTruncatedPduIsEndOfStream() {
        byte[] wire = PduCodec.encode(nopOut(1, new byte[100]), false, false);
        byte[] cut = java.util.Arrays.copyOf(wire, 90);
        assertThatThrownBy(() -> reader(cut, false, false, 8192).read()).isInstanceOf(EOFException.class);
    }

    static Pdu dataOut(int itt, byte[] data) {
        Pdu p = Pdu.of(Opcode.DATA_OUT, data);
        p.u8(1, 0x80);
        p.u32(16, itt);
        p.u32(20, Opcode.RESERVED_TAG);
        return p;
    }

    @Test
    void aSliceWrittenWithoutCopyIsTheSameWireAsTheEncodedPdu() throws Exception {
        byte[] big = new byte[1001];
        new java.util.Random(3).nextBytes(big);
        for (boolean hd : new boolean[] {false, true}) {
            for (boolean dd : new boolean[] {false, true}) {
                for (int len : new int[] {0, 1, 3, 4, 997}) {
                    Pdu whole = dataOut(9, java.util.Arrays.copyOfRange(big, 2, 2 + len));
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    PduCodec w = new PduCodec(new ByteArrayInputStream(new byte[0]), o, 8192);
                    w.digests(hd, dd);
                    w.write(dataOut(9, new byte[0]), big, 2, len);
                    assertThat(o.toByteArray()).as("hd %s dd %s len %d", hd, dd, len)
                            .isEqualTo(PduCodec.encode(whole, hd, dd));
                }
            }
        }
    }

    @Test
    void slicesOfADirectBufferGoOutInOrderAfterWhatTheStreamHeldAndAreTheSameWire() throws Exception {
        byte[] big = new byte[300_001];
        new java.util.Random(5).nextBytes(big);
        int[] lengths = {131_072, 131_072, 37_853};
        for (boolean hd : new boolean[] {false, true}) {
            for (boolean dd : new boolean[] {false, true}) {
                java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(big.length);
                direct.put(big).position(4); // the slices start at the buffer's position
                Pdu before = nopOut(1, new byte[] {1, 2, 3});
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(PduCodec.encode(before, hd, dd));
                Pdu[] headers = new Pdu[lengths.length];
                int off = 4;
                for (int i = 0; i < lengths.length; i++) {
                    headers[i] = dataOut(9 + i, new byte[0]);
                    expected.writeBytes(PduCodec.encode(
                            dataOut(9 + i, java.util.Arrays.copyOfRange(big, off, off + lengths[i])), hd, dd));
                    off += lengths[i];
                }
                // through a channel (a pipe): the stream's buffered PDU is flushed first, then one gathering write
                java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                Thread drain = new Thread(() -> {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
                    try {
                        while (pipe.source().read(b.clear()) >= 0) {
                            wire.write(b.array(), 0, b.position());
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                drain.start();
                java.io.OutputStream toPipe = java.nio.channels.Channels.newOutputStream(pipe.sink());
                PduCodec w = new PduCodec(new ByteArrayInputStream(new byte[0]),
                        new java.io.BufferedOutputStream(toPipe, 64 * 1024), pipe.sink(), 8192);
                w.digests(hd, dd);
                w.write(before);
                w.write(headers, lengths, direct);
                pipe.sink().close();
                drain.join();
                assertThat(wire.toByteArray()).as("channel, hd %s dd %s", hd, dd).isEqualTo(expected.toByteArray());
                assertThat(direct.position()).isEqualTo(4);
                // without a channel: the same bytes through the stream
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                PduCodec s = new PduCodec(new ByteArrayInputStream(new byte[0]), o, 8192);
                s.digests(hd, dd);
                s.write(nopOut(1, new byte[] {1, 2, 3}));
                Pdu[] again = new Pdu[lengths.length];
                for (int i = 0; i < lengths.length; i++) {
                    again[i] = dataOut(9 + i, new byte[0]);
                }
                s.write(again, lengths, direct);
                s.flush();
                assertThat(o.toByteArray()).as("stream, hd %s dd %s", hd, dd).isEqualTo(expected.toByteArray());
            }
        }
    }

    @Test
    void placedDataLandsInTheSliceAndItsDigestIsStillChecked() throws Exception {
        byte[] payload = {9, 8, 7, 6, 5, 4, 3};
        byte[] target = new byte[20];
        byte[] wire = PduCodec.encode(dataOut(5, payload), true, true);
        Pdu p = reader(wire, true, true, 8192).read((h, len) -> new PduCodec.Slot(target, 10));
        assertThat(p.data()).isEmpty();
        assertThat(p.dataSegmentLength()).isEqualTo(7);
        assertThat(java.util.Arrays.copyOfRange(target, 10, 17)).isEqualTo(payload);
        assertThat(target[9]).isZero();
        assertThat(target[17]).as("padding is not placed").isZero();
        // not placed (null): its own array
        assertThat(reader(wire, true, true, 8192).read((h, len) -> null).data()).isEqualTo(payload);
        // a data digest error after the placement is still a reject
        wire[wire.length - 1] ^= 1;
        assertThatThrownBy(() -> reader(wire, true, true, 8192).read((h, len) -> new PduCodec.Slot(new byte[8], 0)))
                .isInstanceOf(PduException.class).hasMessageContaining("data digest");
    }
}
