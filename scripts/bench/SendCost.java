import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.file.*;

/**
 * Probe for issue 20 (CPU per replicated MiB): the CPU time of one thread that writes 1 MiB to a file and then sends it
 * over loopback TCP, as a replicated primary does, three ways: pwrite only (the unreplicated export's file write),
 * pwrite + socket write from the same direct buffer (what the primary does), pwrite + FileChannel.transferTo from the
 * file (sendfile: no copy from the JVM). A second thread of the same process drains the socket. Three measured
 * rounds after one warm-up round.
 *
 *   flock /tmp/duplex-heavy.lock java scripts/bench/SendCost.java /var/tmp/sendcost.img 2048; rm /var/tmp/sendcost.img
 */
public class SendCost {
    public static void main(String[] a) throws Exception {
        Path file = Path.of(a[0]);
        int mib = Integer.parseInt(a[1]);
        ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel c = SocketChannel.open(ss.getLocalAddress());
        c.socket().setSendBufferSize(8 << 20);
        SocketChannel s = ss.accept();
        s.socket().setReceiveBufferSize(8 << 20);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] recvCpu = new long[1];
        Thread r = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            try { while (s.read(b.clear()) >= 0) { } } catch (Exception e) { }
            recvCpu[0] = mx.getCurrentThreadCpuTime();
        });
        r.start();
        FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer data = ByteBuffer.allocateDirect(1 << 20);
        new java.util.Random(1).ints(data.capacity() / 4).forEach(data::putInt);
        String[] modes = {"pwrite", "pwrite+write", "pwrite+sendfile"};
        for (int rep = 0; rep < 4; rep++) {
            for (String m : modes) {
                long t0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int i = 0; i < mib; i++) {
                    long off = (long) (i % 1024) << 20;
                    data.clear();
                    while (data.hasRemaining()) f.write(data, off + data.position());
                    if (m.equals("pwrite+write")) {
                        data.clear();
                        while (data.hasRemaining()) c.write(data);
                    } else if (m.equals("pwrite+sendfile")) {
                        long done = 0;
                        while (done < 1 << 20) done += f.transferTo(off + done, (1 << 20) - done, c);
                    }
                }
                long t1 = mx.getCurrentThreadCpuTime();
                if (rep > 0) System.out.printf("%-16s %.3f ms CPU/MiB (sender thread), %.0f MiB/s%n", m, (t1 - t0) / 1e6 / mib, mib / ((System.nanoTime() - w0) / 1e9));
            }
        }
        c.close(); r.join();
    }
}
