package org.duplex.mirror.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.duplex.mirror.engine.MirrorException;
import org.duplex.mirror.engine.MirrorStatus;
import org.duplex.mirror.engine.MirrorVolume;
import org.duplex.mirror.leg.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Resource type {@value #TYPE}: start = promote with the cluster's current fencing epoch, stop = demote,
 * monitor = primary, writable and up to date. Parameter: {@code volume} (the volume name).
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + MirrorAgent.TYPE)
public class MirrorAgent implements ResourceAgent {

    public static final String TYPE = "mirror";

    private final MirrorRegistry registry;

    @Activate
    public MirrorAgent(@Reference MirrorRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String type() {
        return TYPE;
    }

    private Optional<MirrorVolume> volume(Resource r) {
        String name = r.params().getOrDefault("volume", "");
        return registry.get(name).map(MirrorRegistry.Entry::volume);
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        List<String> problems = new ArrayList<>();
        String name = resource.params().getOrDefault("volume", "");
        if (name.isBlank()) {
            problems.add("volume: required (the name of an org.duplex.mirror.volume configuration)");
        } else if (registry.get(name).isEmpty()) {
            problems.add("volume: no mirror volume named '" + name + "' is configured on this node");
        }
        return problems;
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) {
        long t0 = System.nanoTime();
        Optional<MirrorVolume> v = volume(resource);
        if (v.isEmpty()) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "no mirror volume '"
                    + resource.params().get("volume") + "' on this node", since(t0));
        }
        try {
            v.get().promote(registry.epoch());
            return OperationResult.success("promoted " + v.get().config().name() + " with " + registry.epoch(),
                    since(t0));
        } catch (MirrorException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, e.getMessage(), since(t0));
        }
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) {
        long t0 = System.nanoTime();
        Optional<MirrorVolume> v = volume(resource);
        if (v.isEmpty()) {
            return OperationResult.success("no such volume here: nothing to stop", since(t0));
        }
        try {
            v.get().demote(timeout.dividedBy(2));
            return OperationResult.success("demoted " + v.get().config().name(), since(t0));
        } catch (MirrorException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, e.getMessage(), since(t0));
        }
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) {
        long t0 = System.nanoTime();
        Optional<MirrorVolume> v = volume(resource);
        if (v.isEmpty()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, "no such volume on this node", since(t0));
        }
        return classify(v.get().status(), since(t0));
    }

    static OperationResult classify(MirrorStatus s, Duration elapsed) {
        if (s.role() == Role.SECONDARY) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, s.name() + " is secondary", elapsed);
        }
        if (s.healthyPrimary()) {
            return OperationResult.success(s.name() + " primary, " + s.connection(), elapsed);
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, s.name() + " is primary but "
                + (s.writable() ? "its data is " + s.localDisk() : "refuses writes ("
                + s.alert().orElse("quorum lost or demotion in progress") + ")"), elapsed);
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
