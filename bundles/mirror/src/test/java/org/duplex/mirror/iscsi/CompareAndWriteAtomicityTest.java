package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.iscsi.scsi.ScsiLogicalUnit;
import org.duplex.mirror.iscsi.scsi.ScsiResult;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

/**
 * COMPARE AND WRITE is atomic across the sessions of a target (VMware's ATS locking relies on it): another session's
 * WRITE of the same block cannot land between its compare and its write. The device pauses the compare's read and
 * starts the other session's write from inside it; the write must wait until the COMPARE AND WRITE is done.
 */
class CompareAndWriteAtomicityTest {

    /** Reads of block 0 wait for {@code release} (at most 300 ms) after starting {@code duringRead}. */
    static final class PausingDevice implements BlockDevice {
        final MemoryBlockDevice d = new MemoryBlockDevice(64 * 512);
        volatile Runnable duringRead;
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public long size() {
            return d.size();
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            Runnable r = duringRead;
            if (offset == 0 && r != null) {
                duringRead = null;
                r.run();
                try {
                    release.await(300, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            d.read(offset, dst);
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
            d.write(offset, src, fua);
        }

        @Override
        public void flush() throws IOException {
            d.flush();
        }

        @Override
        public void trim(long offset, long length, boolean fua) throws IOException {
            d.trim(offset, length, fua);
        }

        @Override
        public void writeZeroes(long offset, long length, boolean fua) throws IOException {
            d.writeZeroes(offset, length, fua);
        }
    }

    @Test
    void anotherSessionsWriteWaitsForTheCompareAndWrite() throws Exception {
        PausingDevice dev = new PausingDevice();
        IscsiTarget target = new IscsiTarget("iqn.2026-12.org.duplex:caw", "caw", dev, java.util.Optional.empty());
        ScsiLogicalUnit a = new ScsiLogicalUnit(dev, "caw", target.iqn(), 256 * 1024, target.atomicity());
        ScsiLogicalUnit b = new ScsiLogicalUnit(dev, "caw", target.iqn(), 256 * 1024, target.atomicity());
        CompletableFuture<ScsiResult> other = new CompletableFuture<>();
        dev.duringRead = () -> CompletableFuture.runAsync(() -> {
            ScsiResult r = b.execute(0, ScsiLogicalUnitTest.rw10(0x2a, 0, 1, 0), ScsiLogicalUnitTest.pattern(1, 'W'));
            other.complete(r);
            dev.release.countDown();
        });
        byte[] data = ScsiLogicalUnitTest.concat(new byte[512], ScsiLogicalUnitTest.pattern(1, 'C'));
        ScsiResult caw = a.execute(0, ScsiLogicalUnitTest.rw16(0x89, 0, 1, 0), data);
        assertThat(caw.status()).isEqualTo(ScsiResult.GOOD);
        assertThat(other.get(5, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(dev.d.calls).as("the other session's write came after the COMPARE AND WRITE's")
                .isEqualTo(List.of("write 0 512", "write 0 512"));
        assertThat(Arrays.copyOf(dev.d.data, 512)).as("the later write wins").isEqualTo(
                ScsiLogicalUnitTest.pattern(1, 'W'));
    }
}
