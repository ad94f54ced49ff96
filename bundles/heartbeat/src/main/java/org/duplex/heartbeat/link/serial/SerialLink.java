package org.duplex.heartbeat.link.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.duplex.heartbeat.frame.FrameCodec;
import org.duplex.heartbeat.frame.RejectReason;
import org.duplex.heartbeat.link.Link;
import org.duplex.heartbeat.link.LinkConfig;
import org.duplex.heartbeat.link.LinkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fazecast.jSerialComm.SerialPort;

/**
 * RS232 heartbeat over a null-modem cable, 8N1 at the configured baud rate, SLIP-framed. The device may be absent
 * at start or disappear (USB adapter unplugged, socat restarted): the reader thread then closes the port and
 * reopens the path every second until it is back, so the link comes up again by itself.
 */
public final class SerialLink implements Link {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLink.class);
    private static final long RETRY_MS = 1000;
    private final LinkConfig config;
    private final Path device;
    private final Object portLock = new Object();
    private volatile SerialPort port;
    private volatile Path openedTarget;
    private volatile String status = "not started";
    private Thread reader;
    private volatile boolean closed;
    private int opens;

    public SerialLink(LinkConfig config) {
        this.config = config;
        this.device = Path.of(config.device());
    }

    @Override
    public LinkConfig config() {
        return config;
    }

    /** Bytes per second a heartbeat of {@code frameBytes} needs at this link's interval, with framing. */
    public static double bytesPerSecond(int frameBytes, long intervalMillis) {
        return (frameBytes * 1.05 + 2) * 1000.0 / intervalMillis;
    }

    /** Read timeout: twice the frame interval, at least 500 ms and at most 1 s (prompt close, device checks). */
    static int readTimeoutMillis(long intervalMillis) {
        return (int) Math.min(1000, Math.max(500, 2 * intervalMillis));
    }

    @Override
    public void start(LinkContext context) {
        double budget = config.baud() / 10.0; // 8N1: ten bits per byte
        double need = bytesPerSecond(FrameCodec.MIN_FRAME + 48, config.timing().interval().toMillis());
        if (need > budget / 2) {
            LOG.warn("heartbeat link {}: {} B/s of heartbeats at {} baud uses over half of the line ({} B/s):"
                    + " raise interval.ms or the baud rate", config.name(), Math.round(need), config.baud(),
                    Math.round(budget));
        }
        status = "opening " + device + " at " + config.baud() + " baud 8N1";
        reader = new Thread(() -> readLoop(context), "duplex-hb-serial-" + config.name());
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(LinkContext context) {
        String source = config.device();
        SlipFramer framer = new SlipFramer(FrameCodec.MAX_FRAME, new SlipFramer.Sink() {
            @Override
            public void frame(byte[] data, int length) {
                context.received(data, 0, length, source);
            }

            @Override
            public void garbage(String why, int length) {
                context.rejected(why.startsWith("longer") ? RejectReason.OVERSIZED : RejectReason.MALFORMED, source,
                        length + " bytes dropped: " + why);
            }
        });
        byte[] buf = new byte[512];
        int emptyReads = 0;
        while (!closed) {
            SerialPort p = port;
            if (p == null) {
                if (!open()) {
                    sleepQuietly(RETRY_MS);
                }
                continue;
            }
            long started = System.nanoTime();
            int n = p.readBytes(buf, buf.length);
            if (n > 0) {
                emptyReads = 0;
                framer.feed(buf, 0, n);
                continue;
            }
            // A vanished device shows as a read error, as a changed symlink target, or as reads that return at
            // once with nothing (hang-up) instead of waiting for the read timeout. An idle line that waits the
            // full timeout is healthy: the peer may just be down.
            boolean instant = System.nanoTime() - started < 20_000_000L;
            emptyReads = n == 0 && instant ? emptyReads + 1 : 0;
            if (n < 0 || emptyReads > 50) {
                lost(n < 0 ? "read error" : "hang-up");
                emptyReads = 0;
                if (n == 0) {
                    sleepQuietly(RETRY_MS); // do not spin on a hung-up port
                }
            } else if (!sameDevice()) {
                lost("device replaced");
            }
        }
        closePort();
    }

    private boolean sameDevice() {
        try {
            return Files.exists(device) && device.toRealPath().equals(openedTarget);
        } catch (IOException e) {
            return false;
        }
    }

    private boolean open() {
        if (!Files.exists(device)) {
            setStatus("device " + device + " absent, retrying every " + RETRY_MS / 1000 + " s");
            return false;
        }
        try {
            Path target = device.toRealPath();
            SerialPort p = SerialPort.getCommPort(target.toString());
            p.setComPortParameters(config.baud(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
            p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
            // A read waits longer than a frame interval, so a healthy line wakes this thread once per frame (with
            // 100 ms it also woke for an empty read between every two frames, each followed by a device check);
            // closing still ends within a read timeout. Writes never wait past an interval.
            p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                    readTimeoutMillis(config.timing().interval().toMillis()),
                    (int) config.timing().interval().toMillis());
            if (!p.openPort()) {
                setStatus("cannot open " + device + " (error " + p.getLastErrorCode() + "), retrying");
                return false;
            }
            synchronized (portLock) {
                openedTarget = target;
                port = p;
            }
            LOG.info("heartbeat link {}: serial device {} ({}) open at {} baud 8N1", config.name(), device, target,
                    config.baud());
            status = "device " + device + " open at " + config.baud() + " baud 8N1"
                    + (opens++ > 0 ? " (reopens: " + (opens - 1) + ")" : "");
            return true;
        } catch (IOException | RuntimeException e) {
            setStatus("cannot open " + device + ": " + e.getMessage() + ", retrying");
            return false;
        }
    }

    private void setStatus(String s) {
        if (!s.equals(status)) {
            LOG.warn("heartbeat link {}: {}", config.name(), s);
        }
        status = s;
    }

    private void lost(String why) {
        LOG.warn("heartbeat link {}: serial device {} lost ({}); reopening when it is back", config.name(), device,
                why);
        closePort();
        status = "device " + device + " lost (" + why + "), reopening";
    }

    private void closePort() {
        synchronized (portLock) {
            SerialPort p = port;
            port = null;
            if (p != null) {
                p.closePort();
            }
        }
    }

    @Override
    public void send(byte[] frame) {
        byte[] wire = SlipFramer.encode(frame);
        synchronized (portLock) {
            SerialPort p = port;
            if (p != null) {
                p.writeBytes(wire, wire.length);
            }
        }
    }

    @Override
    public String describe() {
        return status;
    }

    @Override
    public void close() {
        closed = true;
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closePort();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
