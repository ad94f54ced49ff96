package org.duplex.mirror.admin;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.duplex.api.admin.AdminException;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.mirror.MirrorAdmin;
import org.duplex.api.mirror.MirrorOutcome;
import org.duplex.api.mirror.MirrorVolumeStatus;
import org.duplex.mirror.component.MirrorRegistry;
import org.duplex.mirror.engine.MirrorException;
import org.duplex.mirror.engine.MirrorStatus;
import org.duplex.mirror.engine.MirrorVolume;
import org.duplex.mirror.engine.VolumeConfig;
import org.duplex.mirror.gi.GenerationIds;

/**
 * What the {@code ha:mirror-*} commands do, without the shell: the operations on this node's volumes, their outcome
 * in words and the volumes' status as values. The shell commands ({@code MirrorCommands}) and the API's
 * {@link MirrorAdmin} ({@link MirrorAdminComponent}) both call this class, so a volume is operated the same way from
 * either channel.
 */
public class MirrorOperations implements MirrorAdmin {

    /** How long a demote waits for in-flight writes to finish. */
    static final Duration DEMOTE_TIMEOUT = Duration.ofSeconds(30);

    private final MirrorRegistry registry;

    public MirrorOperations(MirrorRegistry registry) {
        this.registry = registry;
    }

    /** The open volume of that name, or NOT_FOUND (field {@code volume}) naming it and the ones there are. */
    public MirrorRegistry.Entry entry(String name) throws AdminException {
        if (name == null || name.isBlank()) {
            throw new AdminException(AdminException.Kind.INVALID, "volume", "volume is required");
        }
        return registry.get(name).orElseThrow(() -> new AdminException(AdminException.Kind.NOT_FOUND, "volume",
                "no mirror volume '" + name + "' on this node (configured: " + registry.all().stream()
                        .map(e -> e.settings().volume().name()).sorted().collect(Collectors.joining(", ")) + ")"));
    }

    private MirrorVolume volumeOf(String name) throws AdminException {
        return entry(name).volume();
    }

    @Override
    public List<MirrorVolumeStatus> volumes() {
        return registry.all().stream().map(MirrorOperations::status)
                .sorted(Comparator.comparing(MirrorVolumeStatus::name)).toList();
    }

    @Override
    public MirrorVolumeStatus volume(String volume) throws AdminException {
        return status(entry(volume));
    }

    @Override
    public MirrorOutcome verify(String volume) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        String result = refused(() -> v.verify().toString());
        return outcome(volume, "verify", volume + ": " + result);
    }

    @Override
    public MirrorOutcome connect(String volume) throws AdminException {
        volumeOf(volume).connect();
        return outcome(volume, "connect", volume + ": connecting to the peer (see ha:mirror-status)");
    }

    @Override
    public MirrorOutcome disconnect(String volume) throws AdminException {
        volumeOf(volume).disconnect();
        return outcome(volume, "disconnect", volume
                + ": disconnected; writes on a primary are tracked in the dirty bitmap");
    }

    @Override
    public MirrorOutcome resumeIo(String volume, boolean peerDown) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        if (!peerDown) {
            throw new AdminException(AdminException.Kind.INVALID, "force", volume + ": resuming writes without an "
                    + "Outdated peer risks losing them if the peer is promoted later; power the peer node off "
                    + "first, then confirm that it is down (force)");
        }
        String result = refused(v::resumeIo);
        return outcome(volume, "resume-io", result);
    }

    @Override
    public MirrorOutcome promote(String volume, Long epoch, boolean force) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        if (epoch != null && epoch < 0) {
            throw new AdminException(AdminException.Kind.INVALID, "epoch", "epoch must not be negative, was "
                    + epoch);
        }
        FencingEpoch e = epoch == null ? registry.epoch() : new FencingEpoch(epoch);
        refused(() -> {
            v.promote(e, force);
            return null;
        });
        return outcome(volume, "promote", volume + " is primary (" + e + ")"
                + (force ? " - forced: see the log for what may be lost" : ""));
    }

    @Override
    public MirrorOutcome demote(String volume) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        refused(() -> {
            v.demote(DEMOTE_TIMEOUT);
            return null;
        });
        return outcome(volume, "demote", volume + " is secondary");
    }

    @Override
    public MirrorOutcome invalidate(String volume) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        refused(() -> {
            v.invalidate();
            return null;
        });
        return outcome(volume, "invalidate", volume
                + ": local data invalidated; a full sync from the peer starts when connected");
    }

    @Override
    public MirrorOutcome resolveSplitBrain(String volume, boolean discardLocal) throws AdminException {
        MirrorVolume v = volumeOf(volume);
        if (discardLocal) {
            refused(() -> {
                v.discardLocalChanges();
                return null;
            });
            return outcome(volume, "resolve-split-brain", volume + ": this node's changes since the split will be "
                    + "DISCARDED and overwritten from the peer; run ha:mirror-connect " + volume + " on the peer too");
        }
        v.connect();
        return outcome(volume, "resolve-split-brain", volume + ": this node keeps its data; run "
                + "ha:mirror-resolve-split-brain --discard-local " + volume + " on the other node");
    }

    // ---- values -------------------------------------------------------------------------------------------------

    private MirrorOutcome outcome(String volume, String operation, String message) throws AdminException {
        return new MirrorOutcome(volume, operation, message, volume(volume));
    }

    /** The status of one open volume as the API's value. */
    static MirrorVolumeStatus status(MirrorRegistry.Entry e) {
        MirrorVolume v = e.volume();
        MirrorStatus s = v.status();
        VolumeConfig c = e.settings().volume();
        GenerationIds gi = v.generationIds();
        String export = e.nbd() == null ? null : "nbd://" + host(e.settings().nbdAddress()) + ":" + e.nbd().port()
                + "/" + c.name();
        return new MirrorVolumeStatus(s.name(), s.role().name(), s.writable(),
                s.peerRole().map(Enum::name).orElse(null), s.connection().name(), s.localDisk().name(),
                s.peerDisk().name(), c.replicated(), c.replicated() ? host(c.peerHost()) + ":" + c.peerPort() : null,
                Math.round(s.syncPercent() * 10) / 10.0, s.dirtyBytes(), s.resyncBytesPerSec(),
                s.eta().map(Duration::toSeconds).orElse(null), s.resyncBytesSent(),
                new MirrorVolumeStatus.Generations(hex(gi.current()), hex(gi.bitmap()), hex(gi.history1()),
                        hex(gi.history2())), v.promotedEpoch().value(), v.ioSuspended(), v.splitBrain(),
                s.alert().orElse(null), s.lastVerify().orElse(null), export,
                e.settings().fencing() == null ? null : e.settings().fencing().summary());
    }

    private static String host(String h) {
        return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static String hex(long id) {
        return String.format("%016X", id);
    }

    @FunctionalInterface
    private interface MirrorCall<T> {
        T run() throws MirrorException;
    }

    /** The volume's refusal (MirrorException) as REFUSED, its message unchanged. */
    private static <T> T refused(MirrorCall<T> call) throws AdminException {
        try {
            return call.run();
        } catch (MirrorException e) {
            throw new AdminException(AdminException.Kind.REFUSED, null, e.getMessage());
        }
    }
}
