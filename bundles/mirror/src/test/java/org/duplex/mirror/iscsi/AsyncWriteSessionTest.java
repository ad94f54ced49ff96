package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.duplex.mirror.block.BlockDevice;
import org.duplex.mirror.block.BlockDeviceException;
import org.duplex.mirror.block.BlockError;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.duplex.mirror.testutil.MiniIscsiInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device whose writes complete later (as a replicated volume's, when the peer confirms): a session's plain writes
 * are all started before the first completes, each is answered only when its own write completes (in the device's
 * order, not the initiator's), a failed one is never GOOD, and any other command (here a READ) waits for them.
 */
class AsyncWriteSessionTest {
    static final String IQN = "iqn.2026-12.org.duplex:async";

    static final class LaterDevice implements BlockDevice {
        final MemoryBlockDevice d = new MemoryBlockDevice(1 << 20);
        final List<CompletableFuture<Void>> started = new CopyOnWriteArrayList<>();
        final List<Long> offsets = new CopyOnWriteArrayList<>();

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
            d.read(offset, dst);
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
            d.write(offset, src, fua);
        }

        @Override
        public boolean asyncWrites() {
            return true;
        }

        @Override
        public CompletableFuture<Void> writeAsync(long offset, ByteBuffer src, boolean fua) throws IOException {
            d.write(offset, src, fua);
            CompletableFuture<Void> f = new CompletableFuture<>();
            offsets.add(offset);
            started.add(f);
            return f;
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

    final LaterDevice dev = new LaterDevice();
    IscsiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new IscsiServer(IscsiServerConfig.of("127.0.0.1", 0));
        server.addTarget(new IscsiTarget(IQN, "async", dev, Optional.empty()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void writesOverlapAndEachIsAnsweredWhenItsOwnCompletes() throws Exception {
        try (MiniIscsiInitiator c = new MiniIscsiInitiator(server.port())) {
            assertThat(c.login(IQN, Map.of()).u16(36)).isZero();
            List<Integer> itts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] block = new byte[512];
                Arrays.fill(block, (byte) (i + 1));
                Pdu cmd = c.scsiCommand(0xa0, 0, 512, IscsiSessionTest.write10(i, 1), block);
                itts.add(cmd.itt());
                c.send(cmd);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (dev.started.size() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(dev.started).as("all three started before any completed").hasSize(3);
            // a READ waits for them: send it now, its answer must come last
            c.send(c.scsiCommand(0xc0, 0, 512, IscsiSessionTest.read10(1, 1), new byte[0]));
            dev.started.get(2).complete(null);
            Pdu first = c.read();
            assertThat(first.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            assertThat(first.itt()).isEqualTo(itts.get(2));
            assertThat(first.u8(3)).isZero();
            dev.started.get(0).completeExceptionally(new BlockDeviceException(BlockError.IO, "peer lost"));
            Pdu second = c.read();
            assertThat(second.itt()).isEqualTo(itts.get(0));
            assertThat(second.u8(3)).as("a failed write is never GOOD").isEqualTo(2);
            assertThat(second.data()[2 + 2] & 0x0f).as("ABORTED COMMAND: retried").isEqualTo(0x0b);
            dev.started.get(1).complete(null);
            Pdu third = c.read();
            assertThat(third.itt()).isEqualTo(itts.get(1));
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            Pdu read = c.readUntilStatus(data);
            assertThat(read.u8(3)).isZero();
            assertThat(data.toByteArray()[0]).isEqualTo((byte) 2);
            assertThat(first.u32(24) < second.u32(24) && second.u32(24) < third.u32(24)).as("StatSN in send order")
                    .isTrue();
        }
    }
}
