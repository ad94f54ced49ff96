package org.duplex.mirror.command;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.stream.Collectors;

import org.duplex.api.admin.AdminException;
import org.duplex.mirror.admin.MirrorOperations;
import org.duplex.mirror.component.MirrorRegistry;
import org.duplex.mirror.component.SizeParser;
import org.duplex.mirror.component.VolumeSettings;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the ha:mirror-* commands do, without the shell (so tests can drive it): the operations are
 * {@link MirrorOperations}' (the same code the REST API's MirrorAdmin runs), printed as their outcome in words; a
 * refusal is thrown with its message (Karaf prints it).
 */
public final class MirrorCommands {
    private final MirrorRegistry registry;
    private final MirrorOperations operations;

    public MirrorCommands(MirrorRegistry registry) {
        this.registry = registry;
        this.operations = new MirrorOperations(registry);
    }

    public String status(String name) throws AdminException {
        if (name != null) {
            return render(operations.entry(name));
        }
        if (registry.all().isEmpty()) {
            return "no mirror volumes configured (ha:mirror-create, or etc/org.duplex.mirror.volume-NAME.cfg)";
        }
        return registry.all().stream().map(MirrorCommands::render).collect(Collectors.joining());
    }

    /** The volume's status and, for a replicated volume, the fencing it runs with. */
    private static String render(MirrorRegistry.Entry e) {
        String s = e.volume().status().render();
        if (e.settings().fencing() != null) {
            s += "  fencing: " + e.settings().fencing().summary() + System.lineSeparator();
        }
        VolumeSettings.Iscsi is = e.settings().iscsi();
        if (is != null && e.iscsi() != null) {
            s += "  iscsi: " + is.iqn() + " on " + is.address() + ":" + e.iscsi().port() + ", "
                    + is.chap().map(c -> c.mutual() ? "mutual CHAP" : "CHAP").orElse("no authentication") + ", "
                    + e.iscsi().connectionCount() + " connection(s)"
                    + e.volume().standby().map(w -> ", logins refused here (not primary)").orElse("")
                    + System.lineSeparator();
        }
        return s;
    }

    public String promote(String name, Long epoch) throws AdminException {
        return promote(name, epoch, false);
    }

    /** {@code force}: promote even an Outdated leg (the writes its old primary acknowledged since are lost). */
    public String promote(String name, Long epoch, boolean force) throws AdminException {
        return operations.promote(name, epoch, force).message();
    }

    /** Called only with --force given (the command refuses without it). */
    public String resumeIo(String name) throws AdminException {
        return operations.resumeIo(name, true).message();
    }

    public String demote(String name) throws AdminException {
        return operations.demote(name).message();
    }

    public String connect(String name) throws AdminException {
        return operations.connect(name).message();
    }

    public String disconnect(String name) throws AdminException {
        return operations.disconnect(name).message();
    }

    public String verify(String name) throws AdminException {
        return operations.verify(name).message();
    }

    public String invalidate(String name) throws AdminException {
        return operations.invalidate(name).message();
    }

    public String resolveSplitBrain(String name, boolean discardLocal) throws AdminException {
        return operations.resolveSplitBrain(name, discardLocal).message();
    }

    /**
     * Creates or replaces the factory configuration {@code org.duplex.mirror.volume} named {@code name}.
     * {@code fenceLocal} / {@code fencePeer}: the fencing path, host[:port] on the cluster interface
     * (fence.local.address / fence.port, fence.peer.address / fence.peer.port), null = the defaults.
     */
    public static String create(ConfigurationAdmin admin, String name, String size, String backing, String local,
                                String peer, int nbdPort, String policy, String resyncRate, boolean skipInitialSync,
                                String fenceLocal, String fencePeer) throws Exception {
        Dictionary<String, Object> p = settings(name, size, backing, local, peer, nbdPort, policy, resyncRate,
                skipInitialSync, fenceLocal, fencePeer);
        Configuration c = admin.getFactoryConfiguration(VolumeSettings.FACTORY_PID, name, "?");
        c.update(p);
        String note = p.get("peer.address") != null && p.get("fence.peer.address") == null
                ? ". The fencing path is the replication address, so resource-only runs as resource-and-stonith "
                + "(see ha:mirror-status); give it the cluster interface with --fence-local and --fence-peer" : "";
        return "mirror volume " + name + " configured (" + c.getPid() + "); create it on the peer node too" + note;
    }

    /** The configuration dictionary ha:mirror-create writes. */
    static Dictionary<String, Object> settings(String name, String size, String backing, String local, String peer,
                                               int nbdPort, String policy, String resyncRate, boolean skipInitialSync,
                                               String fenceLocal, String fencePeer) {
        SizeParser.parse(size);
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        p.put("size", size);
        p.put("backing.path", backing);
        p.put("nbd.port", nbdPort);
        p.put("split.brain.policy", policy);
        p.put("resync.rate", resyncRate);
        p.put("skip.initial.sync", skipInitialSync);
        if (peer != null && !peer.isBlank()) {
            String[] hp = peer.split(":");
            p.put("peer.address", hp[0]);
            if (hp.length > 1) {
                p.put("peer.port", Integer.parseInt(hp[1]));
            }
        }
        if (local != null && !local.isBlank()) {
            String[] hp = local.split(":");
            p.put("local.address", hp[0]);
            if (hp.length > 1) {
                p.put("local.port", Integer.parseInt(hp[1]));
            }
        }
        if (fenceLocal != null && !fenceLocal.isBlank()) {
            String[] hp = fenceLocal.split(":");
            p.put("fence.local.address", hp[0]);
            if (hp.length > 1) {
                p.put("fence.port", Integer.parseInt(hp[1]));
            }
        }
        if (fencePeer != null && !fencePeer.isBlank()) {
            String[] hp = fencePeer.split(":");
            p.put("fence.peer.address", hp[0]);
            if (hp.length > 1) {
                p.put("fence.peer.port", Integer.parseInt(hp[1]));
            }
        }
        return p;
    }
}
