package org.duplex.failover.fence.sbd;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.duplex.api.model.NodeId;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceDeviceConfig;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.fence.IpmiFenceDevice;

/**
 * {@code type = sbd}: fencing through a shared disk alone (SBD's poison pill). {@code off} (and {@code cycle}, a
 * reset) writes a pill into the node's slot of the SBD area, durably, then waits the area's {@code msgwait}: by
 * then the node has read the pill and ended itself, or, if it cannot read or is frozen, its hardware watchdog
 * has reset it (msgwait is at least twice the watchdog timeout). That wait is the confirmation: SBD cannot read
 * a power state back. Without a hardware watchdog the guarantee is weaker (see the failover README).
 * {@code on} clears the slot; {@code status} answers 1 (off) while a pill is pending in the slot, else 0.
 *
 * <p>Parameters: {@code device} (the area: a shared block device or a file on shared storage, initialised by the
 * nodes' watchers), {@code sender} (the name written into the pill, default this Karaf's name). The device's
 * {@code timeout} must exceed the area's msgwait.
 */
public final class SbdFenceDevice implements FenceDevice {

    private static final int OK = 0;
    private static final int STATUS_OFF = 1;
    private static final int FAILED = 2;

    private final FenceDeviceConfig config;
    private final SbdDisk disk;
    private final String sender;
    private final IpmiFenceDevice.Ticker ticker;
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());

    public SbdFenceDevice(FenceDeviceConfig config) {
        this(config, IpmiFenceDevice.Ticker.SYSTEM);
    }

    public SbdFenceDevice(FenceDeviceConfig config, IpmiFenceDevice.Ticker ticker) {
        this.config = config;
        String device = config.param("device");
        if (device.isBlank()) {
            throw new IllegalArgumentException("fencing device " + config.name() + " (type sbd): device is missing:"
                    + " the path of the SBD area (a shared block device or a file on shared storage)");
        }
        if (!Path.of(device).isAbsolute()) {
            throw new IllegalArgumentException("fencing device " + config.name() + " (type sbd): device must be an"
                    + " absolute path, was '" + device + "'");
        }
        this.disk = new SbdDisk(Path.of(device));
        String s = config.param("sender");
        this.sender = s.isBlank() ? System.getProperty("karaf.name", "duplex") : s;
        this.ticker = ticker;
    }

    @Override
    public FenceDeviceConfig config() {
        return config;
    }

    @Override
    public String describeTarget() {
        return "device=" + disk.path();
    }

    /** Why actions cannot work now (the area unreadable or not initialised), for a warning at configuration. */
    public Optional<String> problem() {
        try {
            disk.header();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public FenceResult run(FenceAction action, NodeId node) throws InterruptedException {
        long t0 = ticker.nanoTime();
        try {
            SbdDisk.Header h = disk.header();
            if (!h.nodes().contains(node)) {
                return result(node, action, FAILED, disk + " has no slot for " + node + " (slots " + h.nodes() + ")",
                        t0);
            }
            return switch (action) {
                case STATUS -> {
                    SbdDisk.Message m = disk.read(node);
                    yield m.poison()
                            ? result(node, action, STATUS_OFF, "poison pill pending in " + node + "'s slot ("
                                    + m.type().name().toLowerCase(java.util.Locale.ROOT) + " from " + m.sender() + ")", t0)
                            : result(node, action, OK, node + "'s slot is clear", t0);
                }
                case ON -> {
                    disk.write(node, SbdDisk.Message.NONE);
                    yield result(node, action, OK, node + "'s slot cleared", t0);
                }
                case OFF, CYCLE -> pill(node, action, h, t0);
            };
        } catch (IOException e) {
            return result(node, action, FAILED, e.getMessage(), t0);
        }
    }

    private FenceResult pill(NodeId node, FenceAction action, SbdDisk.Header h, long t0)
            throws IOException, InterruptedException {
        if (config.timeout().compareTo(h.msgwait()) <= 0) {
            return result(node, action, FAILED, "the device timeout " + config.timeout().toMillis()
                    + " ms must exceed the SBD area's msgwait " + h.msgwait().toMillis() + " ms", t0);
        }
        SbdDisk.Type type = action == FenceAction.CYCLE ? SbdDisk.Type.RESET : SbdDisk.Type.OFF;
        disk.write(node, new SbdDisk.Message(type, sender, sequence.incrementAndGet(), System.currentTimeMillis()));
        long writtenAt = ticker.nanoTime();
        long until = writtenAt + h.msgwait().toNanos();
        for (long left = until - ticker.nanoTime(); left > 0; left = until - ticker.nanoTime()) {
            ticker.sleep(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
        }
        return result(node, action, OK, "poison pill written to " + node + "'s slot of " + disk.path()
                + " and msgwait " + h.msgwait().toMillis() + " ms over: " + node
                + " has ended itself (or its watchdog reset it)", t0);
    }

    private FenceResult result(NodeId node, FenceAction action, int exit, String output, long t0) {
        return new FenceResult(config.name(), node, action, exit, output, false,
                Duration.ofNanos(ticker.nanoTime() - t0));
    }
}
