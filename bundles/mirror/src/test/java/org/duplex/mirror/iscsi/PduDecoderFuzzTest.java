package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.duplex.mirror.iscsi.login.TextParameters;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.iscsi.pdu.PduCodec;
import org.duplex.mirror.iscsi.pdu.PduException;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the decoder and of whole sessions: random and mutated PDUs never crash the target (no exception
 * escapes, no internal error), every answer is a well-formed target PDU, and the device keeps exactly the data the
 * well-formed writes put there (no state corruption). Seeds are fixed: a failure names its seed and reproduces.
 */
class PduDecoderFuzzTest {
    static final String IQN = "iqn.2026-12.org.duplex:fuzz";

    @Test
    void randomBytesOnlyEverYieldPdusOrRefusals() {
        for (long seed = 0; seed < 3000; seed++) {
            Random r = new Random(seed);
            byte[] wire = new byte[r.nextInt(400)];
            r.nextBytes(wire);
            if (r.nextBoolean() && wire.length > 8) {
                wire[4] = 0; // AHS and data lengths small enough to frame now and then
                wire[5] = 0;
                wire[6] = 0;
            }
            PduCodec c = PduDecoderFuzzTestSupport.reader(wire, r.nextBoolean(), r.nextBoolean(), 1024);
            for (int i = 0; i < 20; i++) {
                try {
                    Pdu p = c.read();
                    assertThat(Opcode.fromInitiator(p.opcode())).as("seed %d", seed).isTrue();
                    assertThat(p.data().length).as("seed %d", seed).isLessThanOrEqualTo(1024);
                } catch (EOFException e) {
                    break;
                } catch (PduException e) {
                    if (e.dropConnection()) {
                        break;
                    }
                } catch (Exception e) {
                    throw new AssertionError("seed " + seed + ": " + e, e);
                }
            }
        }
    }

    /** Valid PDUs of a normal session: commands with and without data, NOPs, TMFs, text, Data-Out. */
    static List<Pdu> script(Random r) {
        List<Pdu> out = new ArrayList<>();
        int cmdSN = 1;
        for (int i = 0; i < 12; i++) {
            int kind = r.nextInt(7);
            int itt = 0x1000 + i;
            Pdu p;
            switch (kind) {
                case 0: { // WRITE(10) of 1-4 blocks with immediate data
                    int blocks = 1 + r.nextInt(4);
                    byte[] data = new byte[blocks * 512];
                    r.nextBytes(data);
                    p = Pdu.of(Opcode.SCSI_COMMAND, data);
                    p.u8(1, 0xa0);
                    p.u32(20, data.length);
                    byte[] cdb = {0x2a, 0, 0, 0, 0, (byte) r.nextInt(64), 0, 0, (byte) blocks, 0};
                    System.arraycopy(cdb, 0, p.bhs(), 32, cdb.length);
                    break;
                }
                case 1: { // READ(16)
                    p = Pdu.of(Opcode.SCSI_COMMAND, new byte[0]);
                    p.u8(1, 0xc0);
                    p.u32(20, 4096);
                    byte[] cdb = {(byte) 0x88, 0, 0, 0, 0, 0, 0, 0, 0, (byte) r.nextInt(64), 0, 0, 0, 8, 0, 0};
                    System.arraycopy(cdb, 0, p.bhs(), 32, cdb.length);
                    break;
                }
                case 2: { // WRITE(10) announcing unsolicited data, followed by Data-Out
                    byte[] data = new byte[1024];
                    r.nextBytes(data);
                    p = Pdu.of(Opcode.SCSI_COMMAND, new byte[0]);
                    p.u8(1, 0x20);
                    p.u32(20, 1024);
                    byte[] cdb = {0x2a, 0, 0, 0, 0, (byte) r.nextInt(64), 0, 0, 2, 0};
                    System.arraycopy(cdb, 0, p.bhs(), 32, cdb.length);
                    p.u32(16, itt);
                    p.u32(24, cmdSN++);
                    out.add(p);
                    p = Pdu.of(Opcode.DATA_OUT, data);
                    p.u8(1, 0x80);
                    p.u32(20, Opcode.RESERVED_TAG);
                    p.u32(16, itt);
                    out.add(p);
                    continue;
                }
                case 3:
                    p = Pdu.of(Opcode.NOP_OUT, new byte[r.nextInt(16)]);
                    p.u8(1, 0x80);
                    p.u32(20, Opcode.RESERVED_TAG);
                    break;
                case 4:
                    p = Pdu.of(Opcode.TASK_MGMT_REQUEST, new byte[0]);
                    p.u8(1, 0x80 | (1 + r.nextInt(8)));
                    p.u32(20, 0x1000 + r.nextInt(12));
                    break;
                case 5:
                    p = Pdu.of(Opcode.TEXT_REQUEST, TextParameters.encode(Map.of("SendTargets", "All")));
                    p.u8(1, 0x80);
                    p.u32(20, Opcode.RESERVED_TAG);
                    break;
                default: { // any CDB at all
                    p = Pdu.of(Opcode.SCSI_COMMAND, new byte[0]);
                    p.u8(1, 0x80 | (r.nextBoolean() ? 0x40 : 0));
                    p.u32(20, r.nextInt(1 << 16));
                    byte[] cdb = new byte[16];
                    r.nextBytes(cdb);
                    System.arraycopy(cdb, 0, p.bhs(), 32, 16);
                    p.u64(8, r.nextInt(4) == 0 ? r.nextLong() : 0);
                }
            }
            p.u32(16, itt);
            p.u32(24, cmdSN++);
            out.add(p);
        }
        return out;
    }

    static byte[] loginPdu(Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST, TextParameters.encode(keys));
        p.u8(0, 0x40 | Opcode.LOGIN_REQUEST);
        p.u8(1, 0x80 | 0x03); // CSG 0 -> NSG 3
        p.u8(8, 0x80);
        p.u32(16, 1);
        p.u32(24, 1);
        return PduCodec.encode(p, false, false);
    }

    @Test
    void mutatedSessionsNeverCrashAndLeaveOnlyWellFormedWritesOnTheDevice() throws Exception {
        IscsiServerConfig cfg = IscsiServerConfig.of("127.0.0.1", 0);
        int loggedIn = 0;
        int clean = 0;
        for (long seed = 0; seed < 400; seed++) {
            Random r = new Random(seed);
            boolean digests = r.nextBoolean();
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put("InitiatorName", "iqn.2026-12.org.duplex.test:fuzz");
            keys.put("TargetName", IQN);
            keys.put("AuthMethod", "None");
            keys.put("HeaderDigest", digests ? "CRC32C" : "None");
            keys.put("DataDigest", digests ? "CRC32C" : "None");
            keys.put("InitialR2T", "No");
            keys.put("MaxRecvDataSegmentLength", "65536");
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes(loginPdu(keys));
            List<Pdu> pdus = script(r);
            int mutated = 0;
            for (Pdu p : pdus) {
                byte[] w = PduCodec.encode(p, digests, digests);
                if (r.nextInt(8) == 0) {
                    mutated++;
                    int flips = 1 + r.nextInt(3);
                    for (int f = 0; f < flips; f++) {
                        w[r.nextInt(w.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                wire.writeBytes(w);
            }
            MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);
            // the well-formed run of the same script: what the device must hold when nothing was mutated
            IscsiTarget t = new IscsiTarget(IQN, "", dev, Optional.empty());
            ByteArrayOutputStream answers = new ByteArrayOutputStream();
            IscsiSession s = new IscsiSession(iqn -> iqn.equals(IQN) ? Optional.of(t) : Optional.empty(),
                    () -> List.of(t), "127.0.0.1:3260", cfg, new ByteArrayInputStream(wire.toByteArray()), answers,
                    "fuzz-" + seed, 1);
            s.run();
            assertThat(s.internalError()).as("seed %d: internal error", seed).isFalse();
            // every answer is a whole target PDU
            PduCodecTargetSide.assertWellFormed(answers.toByteArray(), digests, "seed " + seed);
            loggedIn += s.params().isPresent() ? 1 : 0;
            if (mutated == 0) {
                clean++;
                MemoryBlockDevice expected = new MemoryBlockDevice(1 << 20);
                replay(pdus, expected);
                assertThat(dev.data).as("seed %d: device content", seed).isEqualTo(expected.data);
            }
        }
        // the fuzz reached the full feature phase and compared clean runs, or it proved nothing
        assertThat(loggedIn).isEqualTo(400);
        assertThat(clean).isGreaterThan(20);
    }

    /** Applies the script's writes as the target should (immediate or unsolicited data of WRITE(10)). */
    static void replay(List<Pdu> pdus, MemoryBlockDevice dev) throws Exception {
        for (int i = 0; i < pdus.size(); i++) {
            Pdu p = pdus.get(i);
            if (p.opcode() == Opcode.SCSI_COMMAND && p.u8(32) == 0x2a && (p.flags() & 0x20) != 0) {
                long lba = p.u32(34) & 0xffffffffL;
                byte[] data = p.data().length > 0 ? p.data() : pdus.get(i + 1).data();
                dev.write(lba * 512, java.nio.ByteBuffer.wrap(data), false);
            }
        }
    }
}
