package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.List;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Publishes {@link VmControl} as the {@code vmware-vm} resource agent. */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + VmControl.TYPE)
public class VmwareVmAgent implements ResourceAgent {

    private final VmControl control;

    @Activate
    public VmwareVmAgent(@Reference VmwareSessions sessions) {
        this.control = new VmControl(sessions.sessions());
    }

    @Override
    public String type() {
        return VmControl.TYPE;
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return control.validate(resource.params(), resource.timeouts().stop());
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        return control.start(resource.params(), timeout);
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        return control.stop(resource.params(), timeout);
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException {
        return control.monitor(resource.params(), timeout);
    }
}
