package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.duplex.mirror.block.BlockError;
import org.duplex.mirror.iscsi.scsi.ScsiLogicalUnit;
import org.duplex.mirror.iscsi.scsi.ScsiResult;
import org.duplex.mirror.iscsi.scsi.Sense;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

/** SCSI commands against a device in memory: data, sense for every refusal, and the mapping of device errors. */
class ScsiLogicalUnitTest {
    static final int BLOCKS = 2048;
    final MemoryBlockDevice dev = new MemoryBlockDevice(BLOCKS * 512);
    final ScsiLogicalUnit lu = new ScsiLogicalUnit(dev, "vol1", "iqn.2026-12.org.duplex:vol1", 256 * 1024);

    static byte[] cdb(int... b) {
        byte[] c = new byte[16];
        for (int i = 0; i < b.length; i++) {
            c[i] = (byte) b[i];
        }
        return c;
    }

    static byte[] rw16(int op, long lba, int blocks, int flags) {
        byte[] c = cdb(op, flags);
        for (int i = 0; i < 8; i++) {
            c[2 + i] = (byte) (lba >>> (56 - 8 * i));
        }
        c[10] = (byte) (blocks >>> 24);
        c[11] = (byte) (blocks >>> 16);
        c[12] = (byte) (blocks >>> 8);
        c[13] = (byte) blocks;
        return c;
    }

    static byte[] rw10(int op, long lba, int blocks, int flags) {
        return cdb(op, flags, (int) (lba >>> 24) & 0xff, (int) (lba >>> 16) & 0xff, (int) (lba >>> 8) & 0xff,
                (int) lba & 0xff, 0, blocks >>> 8, blocks & 0xff, 0);
    }

    ScsiResult run(byte[] cdb, byte[] data) {
        return lu.execute(0, cdb, data);
    }

    static void assertSense(ScsiResult r, Sense s) {
        assertThat(r.status()).isEqualTo(ScsiResult.CHECK_CONDITION);
        assertThat(r.sense()[2]).isEqualTo((byte) s.key());
        assertThat(r.sense()[12] & 0xff).isEqualTo(s.asc());
        assertThat(r.sense()[13] & 0xff).isEqualTo(s.ascq());
    }

    @Test
    void writeThenReadBackWithFua() {
        byte[] data = new byte[4096];
        new Random(1).nextBytes(data);
        assertThat(run(rw16(0x8a, 100, 8, 0x08), data).ok()).isTrue();
        assertThat(dev.calls).containsExactly("write 51200 4096 fua");
        ScsiResult r = run(rw10(0x28, 100, 8, 0), new byte[0]);
        assertThat(r.data()).isEqualTo(data);
        assertThat(run(rw10(0x2a, 0, 1, 0), new byte[512]).ok()).isTrue();
        assertThat(dev.calls).last().isEqualTo("write 0 512");
    }

    @Test
    void outOfRangeLbasAreLbaOutOfRangeAndNothingIsWritten() {
        assertSense(run(rw10(0x28, BLOCKS - 1, 2, 0), new byte[0]), Sense.LBA_OUT_OF_RANGE);
        assertSense(run(rw16(0x8a, BLOCKS, 1, 0), new byte[512]), Sense.LBA_OUT_OF_RANGE);
        assertSense(run(rw16(0x88, -1L, 1, 0), new byte[0]), Sense.LBA_OUT_OF_RANGE); // 2^64-1: no overflow
        assertSense(run(rw16(0x91, BLOCKS - 1, 2, 0), new byte[0]), Sense.LBA_OUT_OF_RANGE);
        assertThat(run(rw10(0x28, BLOCKS - 1, 1, 0), new byte[0]).ok()).isTrue();
        assertThat(dev.calls).isEmpty();
    }

    @Test
    void unknownOpcodesAndBadFields() {
        assertSense(run(cdb(0xc7), new byte[0]), Sense.INVALID_OPCODE);
        assertSense(run(rw10(0x28, 0, 1, 0x20), new byte[0]), Sense.INVALID_FIELD_IN_CDB); // RDPROTECT
        assertSense(run(rw10(0x28, 0, 1024, 0), new byte[0]), Sense.INVALID_FIELD_IN_CDB); // > max transfer
        assertSense(run(cdb(0x12, 0, 5), new byte[0]), Sense.INVALID_FIELD_IN_CDB); // page without EVPD
        assertSense(run(cdb(0x1a, 0, 0xc8, 0, 255), new byte[0]), Sense.SAVING_PARAMETERS_NOT_SUPPORTED);
        assertSense(lu.execute(1, cdb(0x00), new byte[0]), Sense.LUN_NOT_SUPPORTED);
        assertThat(lu.execute(1, cdb(0x12, 0, 0, 0, 96), new byte[0]).data()[0]).isEqualTo((byte) 0x7f);
    }

    @Test
    void capacityAndVpdPages() {
        byte[] rc10 = run(cdb(0x25), new byte[0]).data();
        assertThat(ScsiLogicalUnitTestSupport.u32(rc10, 0)).isEqualTo(BLOCKS - 1);
        assertThat(ScsiLogicalUnitTestSupport.u32(rc10, 4)).isEqualTo(512);
        byte[] rc16 = run(cdb(0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32), new byte[0]).data();
        assertThat(rc16).hasSize(32);
        assertThat(rc16[14] & 0x80).as("LBPME").isNotZero();
        byte[] supported = run(cdb(0x12, 1, 0, 0, 255), new byte[0]).data();
        assertThat(Arrays.copyOfRange(supported, 4, supported.length))
                .containsExactly(0x00, 0x80, (byte) 0x83, (byte) 0xb0, (byte) 0xb1, (byte) 0xb2);
        for (int page : new int[] {0x80, 0x83, 0xb0, 0xb1, 0xb2}) {
            byte[] d = run(cdb(0x12, 1, page, 0, 255), new byte[0]).data();
            assertThat(d[1] & 0xff).isEqualTo(page);
            assertThat(d.length).isEqualTo(4 + ((d[2] & 0xff) << 8 | d[3] & 0xff));
        }
        byte[] bl = run(cdb(0x12, 1, 0xb0, 0, 255), new byte[0]).data();
        assertThat(ScsiLogicalUnitTestSupport.u32(bl, 8)).as("max transfer blocks").isEqualTo(512);
        byte[] id = run(cdb(0x12, 1, 0x83, 0, 255), new byte[0]).data();
        assertThat(new String(id)).contains("iqn.2026-12.org.duplex:vol1");
        // allocation length truncates
        assertThat(run(cdb(0x12, 0, 0, 0, 5), new byte[0]).data()).hasSize(5);
        assertThat(run(cdb(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16), new byte[0]).data()).hasSize(16);
        assertSense(run(cdb(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 8), new byte[0]), Sense.INVALID_FIELD_IN_CDB);
        byte[] ms = run(cdb(0x5a, 0, 0x3f, 0, 0, 0, 0, 0x10, 0), new byte[0]).data();
        assertThat(((ms[0] & 0xff) << 8 | ms[1] & 0xff) + 2).isEqualTo(ms.length);
    }

    @Test
    void unmapTrimsAndWriteSameOfZeroesWritesZeroes() {
        byte[] list = new byte[8 + 32];
        list[3] = 32; // block descriptor data length
        list[8 + 7] = 16; // LBA 16
        list[8 + 11] = 8; // 8 blocks
        list[24 + 7] = 64;
        list[24 + 11] = 1;
        assertThat(run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 40), list).ok()).isTrue();
        assertThat(dev.calls).containsExactly("trim 8192 4096", "trim 32768 512");
        // a bad descriptor anywhere: nothing trimmed
        dev.calls.clear();
        list[24 + 2] = 1; // LBA way beyond the end
        assertSense(run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 40), list), Sense.LBA_OUT_OF_RANGE);
        assertThat(dev.calls).isEmpty();
        assertThat(run(rw16(0x93, 10, 100, 0x08), new byte[512]).ok()).isTrue();
        assertThat(dev.calls).containsExactly("zero 5120 51200");
        byte[] pattern = new byte[512];
        Arrays.fill(pattern, (byte) 0x5a);
        assertThat(run(rw10(0x41, 4, 3, 0), pattern).ok()).isTrue();
        assertThat(Arrays.copyOfRange(dev.data, 2048, 2048 + 1536)).containsOnly(0x5a);
        assertSense(run(rw10(0x41, 4, 0, 0), pattern), Sense.INVALID_FIELD_IN_CDB); // WSNZ
        assertSense(run(rw10(0x41, 4, 1, 0), new byte[1024]), Sense.INVALID_FIELD_IN_CDB);
    }

    @Test
    void writeAndVerifyWritesThroughAndComparesWhatItReadsBack() {
        byte[] data = new byte[1024];
        new Random(5).nextBytes(data);
        assertThat(run(rw10(0x2e, 40, 2, 0x02), data).ok()).isTrue();
        assertThat(dev.calls).containsExactly("write 20480 1024 fua");
        assertThat(Arrays.copyOfRange(dev.data, 20480, 21504)).isEqualTo(data);
        assertSense(run(rw16(0x8e, BLOCKS, 1, 0x02), new byte[512]), Sense.LBA_OUT_OF_RANGE);
        assertSense(run(rw10(0x2e, 0, 1, 0x04), new byte[512]), Sense.INVALID_FIELD_IN_CDB); // BYTCHK 2
    }

    @Test
    void aShortDataOutWritesOnlyWholeBlocksSent() {
        assertThat(run(rw10(0x2a, 0, 2, 0), new byte[512]).ok()).isTrue();
        assertThat(dev.calls).containsExactly("write 0 512");
        assertSense(run(rw10(0x2a, 0, 2, 0), new byte[200]), Sense.INVALID_FIELD_IN_INFORMATION_UNIT);
    }

    @Test
    void aSecondaryIsStandbyAndFailoverErrorsAreRetryableNeverGood() {
        dev.standby("secondary");
        assertSense(run(cdb(0x00), new byte[0]), Sense.STANDBY);
        assertSense(run(rw10(0x2a, 0, 1, 0), new byte[512]), Sense.STANDBY);
        assertThat(run(cdb(0x12, 0, 0, 0, 96), new byte[0]).ok()).as("INQUIRY still answers").isTrue();
        byte[] rs = run(cdb(0x03, 0, 0, 0, 18), new byte[0]).data();
        assertThat(rs[2]).isEqualTo((byte) Sense.NOT_READY);
        dev.standby(null);
        dev.failWrites(BlockError.IO);
        assertSense(run(rw10(0x2a, 0, 1, 0), new byte[512]), Sense.WRITE_ERROR_RETRYABLE);
        assertSense(run(cdb(0x35), new byte[0]), Sense.WRITE_ERROR_RETRYABLE);
        dev.failWrites(BlockError.NOT_PERMITTED);
        assertSense(run(rw10(0x2a, 0, 1, 0), new byte[512]), Sense.TRANSITIONING);
        dev.standby("demoted meanwhile");
        assertSense(run(rw10(0x2a, 0, 1, 0), new byte[512]), Sense.STANDBY);
        assertThat(lu.internalFailures()).isZero();
    }

    @Test
    void randomCdbsNeverFailInternally() {
        Random r = new Random(7);
        for (int i = 0; i < 20000; i++) {
            byte[] c = new byte[16];
            r.nextBytes(c);
            if (i % 3 == 0) {
                c[0] = (byte) new int[] {0x28, 0x2a, 0x88, 0x8a, 0x41, 0x93, 0x42, 0x12, 0x1a, 0x5a, 0x9e, 0xa0,
                        0x2f, 0x8f, 0x03, 0x08, 0x0a}[r.nextInt(17)];
                c[2] = 0;
                c[3] = 0;
            }
            byte[] data = new byte[r.nextInt(3) * 512 + (r.nextBoolean() ? 0 : r.nextInt(100))];
            r.nextBytes(data);
            ScsiResult res = lu.execute(r.nextInt(10) == 0 ? 1 : 0, c, data);
            assertThat(res).isNotNull();
        }
        assertThat(lu.internalFailures()).isZero();
    }

    static byte[] pattern(int blocks, int value) {
        byte[] b = new byte[blocks * 512];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void compareAndWriteWritesOnlyWhenTheBlocksMatchAndReportsWhereTheyDiffer() {
        assertThat(run(rw16(0x8a, 10, 2, 0), pattern(2, 'A')).ok()).isTrue();
        dev.calls.clear();
        ScsiResult r = run(rw16(0x89, 10, 2, 0x08), concat(pattern(2, 'A'), pattern(2, 'B')));
        assertThat(r.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(dev.calls).containsExactly("write 5120 1024 fua");
        assertThat(run(rw10(0x28, 10, 2, 0), new byte[0]).data()).isEqualTo(pattern(2, 'B'));

        byte[] compare = pattern(2, 'B');
        compare[700] = 'X';
        dev.calls.clear();
        r = run(rw16(0x89, 10, 2, 0), concat(compare, pattern(2, 'C')));
        assertSense(r, Sense.MISCOMPARE_DURING_VERIFY);
        assertThat(r.sense()[0] & 0xff).as("VALID: the INFORMATION field holds the offset").isEqualTo(0xf0);
        assertThat(ScsiLogicalUnitTestSupport.u32(r.sense(), 3)).isEqualTo(700);
        assertThat(dev.calls).as("a miscompare writes nothing").isEmpty();
        assertThat(run(rw10(0x28, 10, 2, 0), new byte[0]).data()).isEqualTo(pattern(2, 'B'));
    }

    @Test
    void compareAndWriteRefusesWhatItCannotDoAndWritesNothing() {
        // Data-Out of 4 blocks for NUMBER OF LOGICAL BLOCKS 1 and 3 (libiscsi's InvalidDataOutSize)
        assertSense(run(rw16(0x89, 0, 1, 0), pattern(4, 0)), Sense.INVALID_FIELD_IN_CDB);
        assertSense(run(rw16(0x89, 0, 3, 0), pattern(4, 0)), Sense.INVALID_FIELD_IN_CDB);
        assertSense(run(rw16(0x89, BLOCKS - 1, 2, 0), pattern(4, 0)), Sense.LBA_OUT_OF_RANGE);
        assertSense(run(rw16(0x89, 0, 1, 0x20), pattern(2, 0)), Sense.INVALID_FIELD_IN_CDB); // WRPROTECT
        assertThat(run(rw16(0x89, 0, 0, 0), new byte[0]).ok()).as("0 blocks: nothing to do").isTrue();
        assertThat(dev.calls).isEmpty();
        assertThat(ScsiLogicalUnit.dataOutLength(rw16(0x89, 0, 3, 0))).isEqualTo(3 * 1024);
        assertThat(ScsiLogicalUnit.writesData(0x89)).isTrue();
        byte[] bl = run(cdb(0x12, 1, 0xb0, 0, 255), new byte[0]).data();
        assertThat(bl[5] & 0xff).as("MAXIMUM COMPARE AND WRITE LENGTH").isEqualTo(255);
    }
}
