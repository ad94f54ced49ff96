package org.duplex.failover.service;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.duplex.api.fence.FenceAgent;

import org.duplex.api.model.NodeId;
import org.duplex.failover.fence.ExecFenceDevice;
import org.duplex.failover.fence.FenceAction;
import org.duplex.failover.fence.FenceDevice;
import org.duplex.failover.fence.FenceDeviceConfig;
import org.duplex.failover.fence.FenceDeviceTypes;
import org.duplex.failover.fence.FenceResult;
import org.duplex.failover.fence.IpmiFenceDevice;
import org.duplex.failover.fence.PluginFenceDevice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per factory configuration {@code org.duplex.failover.fence} (files
 * {@code etc/org.duplex.failover.fence-<name>.cfg}), registered as a {@link FenceDevice} service that
 * {@link FailoverComponent} collects. A broken file is logged with what is wrong and the device is not used.
 * A type that is not built in is a plug-in's: the {@link FenceAgent} services registered with that
 * {@code duplex.fence.type} (a whiteboard, dynamic: a plug-in installed or removed later is seen at the next action).
 */
@Component(configurationPid = FenceDeviceConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = FenceDevice.class)
public class FenceDeviceComponent implements FenceDevice {

    private static final Logger LOG = LoggerFactory.getLogger(FenceDeviceComponent.class);

    private volatile FenceDevice device;
    private final Map<String, FenceAgent> agents = new ConcurrentHashMap<>();

    @Reference(service = FenceAgent.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addAgent(FenceAgent agent) {
        agents.put(agent.type(), agent);
    }

    void removeAgent(FenceAgent agent) {
        agents.remove(agent.type(), agent);
    }

    @Activate
    void activate(Map<String, Object> props) {
        try {
            device = FenceDeviceTypes.create(FenceDeviceConfig.parse(props),
                    type -> Optional.ofNullable(agents.get(type)));
        } catch (IllegalArgumentException e) {
            LOG.error("{} ({}); this device is NOT used until the file is fixed", e.getMessage(),
                    FenceDeviceConfig.where(props));
            throw e;
        }
        if (device instanceof ExecFenceDevice exec) {
            exec.problem().ifPresent(p -> LOG.warn("fencing device {}: {}; every fence through it will fail",
                    device.name(), p));
        } else if (device instanceof IpmiFenceDevice ipmi) {
            ipmi.problem().ifPresent(p -> LOG.warn("fencing device {}: {}; every fence through it will fail",
                    device.name(), p));
        } else if (device instanceof PluginFenceDevice plugin) {
            plugin.problem().ifPresent(p -> LOG.warn("fencing device {}: {}; every fence through it fails until it"
                    + " is", device.name(), p));
        } else if (device instanceof org.duplex.failover.fence.sbd.SbdFenceDevice sbd) {
            sbd.problem().ifPresent(p -> LOG.warn("fencing device {}: {}; fences through it fail until it is",
                    device.name(), p));
        }
    }

    @Override
    public FenceDeviceConfig config() {
        return device.config();
    }

    @Override
    public FenceResult run(FenceAction action, NodeId node) throws InterruptedException {
        return device.run(action, node);
    }

    @Override
    public String describeTarget() {
        return device.describeTarget();
    }

    @Override
    public String name() {
        return device.name();
    }
}
