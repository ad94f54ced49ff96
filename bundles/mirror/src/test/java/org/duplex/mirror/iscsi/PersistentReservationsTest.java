package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.duplex.mirror.iscsi.scsi.PersistentReservations;
import org.duplex.mirror.iscsi.scsi.ScsiLogicalUnit;
import org.duplex.mirror.iscsi.scsi.ScsiResult;
import org.duplex.mirror.iscsi.scsi.Sense;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

/**
 * Persistent reservations through the logical unit, three sessions (I_T nexuses) on one target: registration rules,
 * each reservation type's access for the holder, a registered and an unregistered nexus, PREEMPT, CLEAR, and what is
 * refused. libiscsi's Prin / Prout suites run against the target in IscsiRealInitiatorsTest.
 */
class PersistentReservationsTest {
    final MemoryBlockDevice dev = new MemoryBlockDevice(64 * 512);
    final PersistentReservations pr = new PersistentReservations();
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final ScsiLogicalUnit a = lu("iqn.2026-12.test:a,i,0x800000000001");
    final ScsiLogicalUnit b = lu("iqn.2026-12.test:b,i,0x800000000002");
    final ScsiLogicalUnit c = lu("iqn.2026-12.test:c,i,0x800000000003");

    ScsiLogicalUnit lu(String nexus) {
        return new ScsiLogicalUnit(dev, "vol", "iqn.2026-12.org.duplex:vol", 256 * 1024, lock, pr, nexus);
    }

    static ScsiResult out(ScsiLogicalUnit lu, int sa, int type, long key, long saKey, int flags) {
        byte[] cdb = ScsiLogicalUnitTest.cdb(0x5f, sa, type, 0, 0, 0, 0, 0, 24, 0);
        ByteBuffer p = ByteBuffer.allocate(24).putLong(key).putLong(saKey);
        p.put(20, (byte) flags);
        return lu.execute(0, cdb, p.array());
    }

    static byte[] in(ScsiLogicalUnit lu, int sa) {
        ScsiResult r = lu.execute(0, ScsiLogicalUnitTest.cdb(0x5e, sa, 0, 0, 0, 0, 0, 0x10, 0, 0), new byte[0]);
        assertThat(r.status()).isEqualTo(ScsiResult.GOOD);
        return r.data();
    }

    static int read(ScsiLogicalUnit lu) {
        return lu.execute(0, ScsiLogicalUnitTest.rw10(0x28, 0, 1, 0), new byte[0]).status();
    }

    static int write(ScsiLogicalUnit lu) {
        return lu.execute(0, ScsiLogicalUnitTest.rw10(0x2a, 0, 1, 0), new byte[512]).status();
    }

    static final int GOOD = ScsiResult.GOOD;
    static final int CONFLICT = ScsiResult.RESERVATION_CONFLICT;

    @Test
    void registrationNeedsTheCurrentKeyAndCountsGenerations() {
        assertThat(out(a, 0, 0, 5, 0x11, 0).status()).as("unregistered with a non-zero key").isEqualTo(CONFLICT);
        assertThat(out(a, 0, 0, 0, 0x11, 0).status()).isEqualTo(GOOD);
        assertThat(out(a, 0, 0, 0x99, 0x12, 0).status()).as("wrong current key").isEqualTo(CONFLICT);
        assertThat(out(a, 6, 0, 0x99, 0x12, 0).status()).as("ignore existing key").isEqualTo(GOOD);
        assertThat(out(b, 0, 0, 0, 0x22, 0).status()).isEqualTo(GOOD);
        byte[] keys = in(a, 0);
        assertThat(ByteBuffer.wrap(keys).getInt(0)).as("generation").isEqualTo(3);
        assertThat(ByteBuffer.wrap(keys).getInt(4)).isEqualTo(16);
        assertThat(ByteBuffer.wrap(keys).getLong(8)).isEqualTo(0x12);
        assertThat(ByteBuffer.wrap(keys).getLong(16)).isEqualTo(0x22);
        assertThat(out(a, 0, 0, 0x12, 0, 0).status()).as("unregister").isEqualTo(GOOD);
        assertThat(ByteBuffer.wrap(in(c, 0)).getInt(4)).isEqualTo(8);
        // APTPL, SPEC_I_PT, ALL_TG_PT are not supported; the list must be 24 bytes
        assertThat(out(c, 6, 0, 0, 0x33, 0x01).sense()[12]).isEqualTo((byte) 0x26);
        byte[] shortList = ScsiLogicalUnitTest.cdb(0x5f, 6, 0, 0, 0, 0, 0, 0, 16, 0);
        assertThat(c.execute(0, shortList, new byte[16]).sense()[12]).isEqualTo((byte) 0x1a);
    }

    @Test
    void eachTypeLetsTheRightNexusesReadAndWrite() {
        // {type, registered reads, registered writes, unregistered reads, unregistered writes}
        int[][] rules = {{1, GOOD, CONFLICT, GOOD, CONFLICT}, {3, CONFLICT, CONFLICT, CONFLICT, CONFLICT},
            {5, GOOD, GOOD, GOOD, CONFLICT}, {6, GOOD, GOOD, CONFLICT, CONFLICT},
            {7, GOOD, GOOD, GOOD, CONFLICT}, {8, GOOD, GOOD, CONFLICT, CONFLICT}};
        for (int[] r : rules) {
            assertThat(out(a, 6, 0, 0, 0xa, 0).status()).isEqualTo(GOOD);
            assertThat(out(b, 6, 0, 0, 0xb, 0).status()).isEqualTo(GOOD);
            assertThat(out(a, 1, r[0], 0xa, 0, 0).status()).isEqualTo(GOOD);
            assertThat(out(b, 1, r[0], 0xb, 0, 0).status()).as("type %d: a second reserve", r[0])
                    .isEqualTo(r[0] >= 7 ? GOOD : CONFLICT);
            ByteBuffer rr = ByteBuffer.wrap(in(c, 1));
            assertThat(rr.getLong(8)).isEqualTo(r[0] >= 7 ? 0 : 0xa);
            assertThat(rr.get(21)).isEqualTo((byte) r[0]);
            assertThat(read(a)).isEqualTo(GOOD);
            assertThat(write(a)).isEqualTo(GOOD);
            assertThat(new int[] {read(b), write(b), read(c), write(c)}).as("type %d", r[0])
                    .containsExactly(r[1], r[2], r[3], r[4]);
            assertThat(c.execute(0, ScsiLogicalUnitTest.cdb(0x00), new byte[0]).status()).as("TEST UNIT READY")
                    .isEqualTo(GOOD);
            assertThat(out(a, 2, r[0] == 1 ? 3 : 1, 0xa, 0, 0).status()).as("release with another type")
                    .isEqualTo(ScsiResult.CHECK_CONDITION);
            assertThat(out(a, 2, r[0], 0xa, 0, 0).status()).isEqualTo(GOOD);
            assertThat(write(c)).isEqualTo(GOOD);
            assertThat(out(a, 3, 0, 0xa, 0, 0).status()).as("CLEAR").isEqualTo(GOOD);
            assertThat(ByteBuffer.wrap(in(c, 0)).getInt(4)).isZero();
        }
    }

    @Test
    void preemptTakesTheReservationAndRemovesThePreemptedKeys() {
        out(a, 6, 0, 0, 0xa, 0);
        out(b, 6, 0, 0, 0xb, 0);
        out(a, 1, 3, 0xa, 0, 0);
        assertThat(write(b)).isEqualTo(CONFLICT);
        assertThat(out(c, 4, 3, 0, 0xa, 0).status()).as("an unregistered nexus cannot preempt").isEqualTo(CONFLICT);
        assertThat(out(b, 4, 3, 0xb, 0xa, 0).status()).isEqualTo(GOOD);
        assertThat(write(b)).isEqualTo(GOOD);
        assertThat(write(a)).as("a lost its registration and the reservation").isEqualTo(CONFLICT);
        assertThat(out(a, 0, 0, 0xa, 0x1, 0).status()).isEqualTo(CONFLICT);
        assertThat(out(b, 4, 3, 0xb, 0x77, 0).status()).as("no registration with that key").isEqualTo(CONFLICT);
        assertThat(out(b, 4, 3, 0xb, 0, 0).sense()[12]).isEqualTo((byte) 0x26);
        assertThat(out(b, 0, 0, 0xb, 0, 0).status()).as("the holder unregisters").isEqualTo(GOOD);
        assertThat(write(a)).as("its reservation went with it").isEqualTo(GOOD);
        byte[] caps = in(a, 2);
        assertThat(caps[1]).isEqualTo((byte) 8);
        assertThat(caps[4] & 0xff).isEqualTo(0xea);
        assertThat(caps[5]).isEqualTo((byte) 1);
        assertThat(a.execute(0, ScsiLogicalUnitTest.cdb(0x5e, 4, 0, 0, 0, 0, 0, 0x10, 0, 0), new byte[0]).sense()[12])
                .as("service action 4").isEqualTo((byte) Sense.INVALID_FIELD_IN_CDB.asc());
    }

    @Test
    void readFullStatusNamesEachRegistrantsPortAndTheHolder() {
        out(a, 6, 0, 0, 0xa, 0);
        out(b, 6, 0, 0, 0xb, 0);
        out(b, 1, 1, 0xb, 0, 0);
        String full = new String(in(c, 3), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(full).contains("iqn.2026-12.test:a,i,0x800000000001", "iqn.2026-12.test:b,i,0x800000000002");
        ByteBuffer d = ByteBuffer.wrap(in(c, 3));
        assertThat(d.getLong(8)).isEqualTo(0xa);
        assertThat(d.get(8 + 12)).as("a is not the holder").isZero();
    }
}
