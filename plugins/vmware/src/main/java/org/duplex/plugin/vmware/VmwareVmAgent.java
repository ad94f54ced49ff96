package org.duplex.plugin.vmware;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Publishes {@link VmResource} as the {@code vmware-vm} resource agent. */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + VmControl.TYPE,
        configurationPid = VmwareVmAgent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = VmwareVmAgent.Config.class)
public class VmwareVmAgent implements ResourceAgent {

    static final String PID = "org.duplex.plugin.vmware";

    @ObjectClassDefinition(name = "Duplex VMware plug-in")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the markers of the VMs this node started; must be emptied"
                + " by a reboot (tmpfs), as /run is")
        String run_dir() default "/run/duplex/vmware";
    }

    private final VmControl control;
    private final VmResource vms;

    @Activate
    public VmwareVmAgent(@Reference VmwareSessions sessions, Config config) {
        this.control = new VmControl(sessions.sessions());
        this.vms = new VmResource(control, new VmOwnership(Path.of(config.run_dir())));
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
        return vms.start(resource.id().value(), resource.params(), timeout);
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        return vms.stop(resource.id().value(), resource.params(), timeout);
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException {
        return vms.monitor(resource.id().value(), resource.params(), timeout);
    }
}
