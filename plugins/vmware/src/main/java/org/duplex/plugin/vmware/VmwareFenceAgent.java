package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.fence.FenceAgent;
import org.duplex.api.fence.FenceOperation;
import org.duplex.api.fence.FenceOutcome;
import org.duplex.api.model.NodeId;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Publishes {@link VmFence} as the {@code vmware} fencing device type. */
@Component(service = FenceAgent.class, property = FenceAgent.TYPE_PROPERTY + "=" + VmFence.TYPE)
public class VmwareFenceAgent implements FenceAgent {

    private final VmFence fence;

    @Activate
    public VmwareFenceAgent(@Reference VmwareSessions sessions) {
        this.fence = new VmFence(sessions.sessions());
    }

    @Override
    public String type() {
        return VmFence.TYPE;
    }

    @Override
    public List<String> validate(Map<String, String> params, List<NodeId> nodes) {
        return fence.validate(params, nodes);
    }

    @Override
    public FenceOutcome run(FenceOperation operation, NodeId node, Map<String, String> params, Duration timeout)
            throws InterruptedException {
        return fence.run(operation, node, params, timeout);
    }

    @Override
    public String describeTarget(Map<String, String> params) {
        return fence.describeTarget(params);
    }
}
