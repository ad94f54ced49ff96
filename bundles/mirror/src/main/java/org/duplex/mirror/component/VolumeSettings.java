package org.duplex.mirror.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.duplex.mirror.iscsi.IscsiTarget;
import org.duplex.mirror.iscsi.login.ChapSecrets;
import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.fence.FencePathPolicy;
import org.duplex.mirror.engine.PeerAck;
import org.duplex.mirror.engine.ReadBalancing;
import org.duplex.mirror.engine.ReplicationMode;
import org.duplex.mirror.leg.Role;
import org.duplex.mirror.engine.VolumeConfig;
import org.duplex.mirror.gi.SplitBrainPolicy;

/**
 * A volume configuration (factory PID {@value #FACTORY_PID}) parsed and checked, plus its NBD export settings.
 *
 * @param keyFile     cluster key for frame authentication, or null (unauthenticated)
 * @param nbdAddress  address the NBD export listens on ("" = no NBD server for this volume)
 * @param initialRole role at activation; PRIMARY is for clusters without failover (it promotes with the epoch)
 * @param fence       the fencing path (second path to the peer), null for an unreplicated volume
 * @param fencing     the fencing asked for and the one the volume runs with ({@link FencePathPolicy}), null for an
 *                    unreplicated volume
 * @param iscsi       the iSCSI target of this volume, null when {@code iscsi.port} is absent or 0
 */
public record VolumeSettings(VolumeConfig volume, Path keyFile, String nbdAddress, int nbdPort, Role initialRole,
                             FencePath fence, FencePathPolicy fencing, Iscsi iscsi) {

    /**
     * The volume's iSCSI target: a portal of its own on {@code address:port}, the target name, and the CHAP
     * credentials initiators must present (empty: none, which the log warns about when the portal is not loopback).
     */
    public record Iscsi(String address, int port, String iqn, Optional<ChapSecrets> chap, Path chapFile) {
        public Iscsi {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(iqn, "iqn");
            Objects.requireNonNull(chap, "chap");
        }
    }

    /** The default target name of a volume: lower case, '_' as '-' (IQNs allow neither upper case nor '_'). */
    public static String defaultIqn(String volume) {
        return "iqn.2026-12.org.duplex:" + volume.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Where this node answers outdate requests and where the peer answers them: addresses on the cluster
     * interface, not the replication NIC (otherwise a cut replication link also cuts the fencing path).
     *
     * @param sharesReplicationNic the addresses default to the replication ones (logged as a warning)
     */
    public record FencePath(String localAddress, int localPort, String peerAddress, int peerPort,
                            boolean sharesReplicationNic) {
    }

    public static final String FACTORY_PID = "org.duplex.mirror.volume";

    static String str(Map<String, ?> p, String key, String def) {
        Object v = p.get(key);
        return v == null ? def : v.toString().trim();
    }

    /** Parses the configuration dictionary; {@code etc} and {@code data} are Karaf's directories. */
    public static VolumeSettings parse(Map<String, ?> p, Path etc, Path data) {
        String name = str(p, "name", "");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("mirror volume: 'name' must be 1-64 letters, digits, '_', '.' or '-'");
        }
        String backing = str(p, "backing.path", "");
        if (backing.isEmpty()) {
            throw new IllegalArgumentException("mirror volume " + name + ": 'backing.path' is required");
        }
        long size = SizeParser.parse(str(p, "size", ""));
        String meta = str(p, "meta.dir", "");
        Path metaDir = meta.isEmpty() ? data.resolve("mirror").resolve(name) : Path.of(meta);
        VolumeConfig c = VolumeConfig.of(name, size, Path.of(backing), metaDir);
        String peer = str(p, "peer.address", "");
        int replPort = Integer.parseInt(str(p, "replication.port", "7789"));
        if (!peer.isEmpty()) {
            c = c.withListen(str(p, "local.address", "127.0.0.1"), Integer.parseInt(str(p, "local.port",
                    Integer.toString(replPort)))).withPeer(peer, Integer.parseInt(str(p, "peer.port",
                    Integer.toString(replPort))));
        }
        c = c.withSplitBrainPolicy(SplitBrainPolicy.parse(str(p, "split.brain.policy", "disconnect")))
                .withResyncRate(SizeParser.parse(str(p, "resync.rate", "0")))
                .withReadBalancing(ReadBalancing.parse(str(p, "read.balancing", "prefer-local")))
                .withSkipInitialSync(Boolean.parseBoolean(str(p, "skip.initial.sync", "false")))
                .withMode(ReplicationMode.valueOf(str(p, "mode", "sync").toUpperCase(java.util.Locale.ROOT)));
        int gran = (int) SizeParser.parse(str(p, "granularity", "64K"));
        c = new VolumeConfig(c.name(), c.size(), c.backing(), c.metaDir(), gran, c.listenHost(), c.listenPort(),
                c.peerHost(), c.peerPort(), c.mode(), c.splitBrainPolicy(), c.resyncRate(), c.readBalancing(),
                c.skipInitialSync(), null, Duration.ofMillis(Long.parseLong(str(p, "ack.timeout.ms", "10000"))),
                Duration.ofMillis(500), Fencing.parse(str(p, "fencing", "resource-only")),
                Duration.ofMillis(positive(name, "fencing.timeout.ms", str(p, "fencing.timeout.ms", "30000"))),
                PeerAck.parse(str(p, "peer.ack", "written")),
                Duration.ofMillis(positive(name, "peer.timeout.ms", str(p, "peer.timeout.ms",
                        Long.toString(VolumeConfig.DEFAULT_PEER_TIMEOUT.toMillis())))),
                alExtents(name, str(p, "activity.log.extents",
                        Integer.toString(VolumeConfig.DEFAULT_ACTIVITY_LOG_EXTENTS))));
        FencePath fence = null;
        FencePathPolicy policy = null;
        if (c.replicated()) {
            String localFence = str(p, "fence.local.address", "");
            String peerFence = str(p, "fence.peer.address", "");
            // Default: each node's fence port is its replication port + 1, so the peer's is peer.port + 1 (not
            // this node's: with different replication ports that pointed the fencer at this node itself). A
            // fence.port set explicitly is the same setting on both nodes, so it is the peer's default too.
            String fp = str(p, "fence.port", "0");
            boolean derived = fp.equals("0");
            int fencePort = derived ? c.listenPort() + 1 : (int) positive(name, "fence.port", fp);
            int peerDefault = derived ? c.peerPort() + 1 : fencePort;
            fence = new FencePath(localFence.isEmpty() ? c.listenHost() : localFence, fencePort,
                    peerFence.isEmpty() ? c.peerHost() : peerFence,
                    (int) positive(name, "fence.peer.port", str(p, "fence.peer.port", Integer.toString(peerDefault))),
                    localFence.isEmpty() || peerFence.isEmpty());
            policy = FencePathPolicy.decide(name, c.fencing(), c.peerHost(), peerFence,
                    bool(name, FencePathPolicy.OVERRIDE, str(p, FencePathPolicy.OVERRIDE, "false")));
            c = c.withFencing(policy.effective(), c.fencingTimeout());
        }
        String key = str(p, "key.file", "");
        Path keyFile = key.isEmpty() ? etc.resolve("duplex-cluster.key") : Path.of(key);
        if (!Files.isReadable(keyFile)) {
            if (!key.isEmpty()) {
                throw new IllegalArgumentException("mirror volume " + name + ": key file " + keyFile + " not readable");
            }
            keyFile = null;
        }
        Role role = Role.valueOf(str(p, "role", "secondary").toUpperCase(java.util.Locale.ROOT));
        return new VolumeSettings(c, keyFile, str(p, "nbd.address", "127.0.0.1"),
                Integer.parseInt(str(p, "nbd.port", "10809")), role, fence, policy, iscsi(name, p));
    }

    /** {@code iscsi.port} (absent or 0: no target), {@code iscsi.address}, {@code iscsi.iqn}, {@code iscsi.chap.secret.file}. */
    static Iscsi iscsi(String name, Map<String, ?> p) {
        String portText = str(p, "iscsi.port", "0");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mirror volume " + name + ": 'iscsi.port' must be a number (0 = no "
                    + "iSCSI target), was '" + portText + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("mirror volume " + name + ": 'iscsi.port' must be 0-65535, was " + port);
        }
        if (port == 0) {
            return null;
        }
        String iqn = str(p, "iscsi.iqn", "");
        if (iqn.isEmpty()) {
            iqn = defaultIqn(name);
        }
        try {
            IscsiTarget.validIqn(iqn);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mirror volume " + name + ": 'iscsi.iqn': " + e.getMessage());
        }
        String address = str(p, "iscsi.address", "127.0.0.1");
        if (address.isEmpty()) {
            throw new IllegalArgumentException("mirror volume " + name + ": 'iscsi.address' must not be empty "
                    + "(0.0.0.0 listens on every address)");
        }
        String secretFile = str(p, "iscsi.chap.secret.file", "");
        Optional<ChapSecrets> chap = Optional.empty();
        Path chapFile = null;
        if (!secretFile.isEmpty()) {
            chapFile = Path.of(secretFile);
            chap = Optional.of(ChapSecrets.load(chapFile, "mirror volume " + name + ": 'iscsi.chap.secret.file'"));
        }
        return new Iscsi(address, port, iqn, chap, chapFile);
    }

    private static boolean bool(String volume, String key, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("mirror volume " + volume + ": '" + key + "' must be true or false, was '"
                    + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static int alExtents(String volume, String value) {
        long v = positive(volume, "activity.log.extents", value);
        if (v > VolumeConfig.MAX_ACTIVITY_LOG_EXTENTS) {
            throw new IllegalArgumentException("mirror volume " + volume + ": 'activity.log.extents' must be at most "
                    + VolumeConfig.MAX_ACTIVITY_LOG_EXTENTS + " (4 MiB each), was " + v);
        }
        return (int) v;
    }

    private static long positive(String volume, String key, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mirror volume " + volume + ": '" + key + "' must be a number, was '"
                    + value + "'");
        }
        if (v <= 0) {
            throw new IllegalArgumentException("mirror volume " + volume + ": '" + key + "' must be positive, was "
                    + v);
        }
        return v;
    }
}
