package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.api.monitor.ResourceMonitor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The three {@link VsphereChecks} as ResourceMonitor services, one DS component each. */
public final class VmwareMonitors {

    private VmwareMonitors() {
    }

    abstract static class Base implements ResourceMonitor {
        private final VsphereChecks checks;
        private final String type;

        Base(VmwareSessions sessions, String type) {
            this.checks = new VsphereChecks(sessions.sessions());
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public List<String> validate(Map<String, String> params) {
            return checks.validate(type, params);
        }

        @Override
        public HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
            return checks.check(type, params, timeout);
        }
    }

    /** {@code vmware-host}. */
    @Component(service = ResourceMonitor.class, property = ResourceMonitor.TYPE_PROPERTY + "=" + VsphereChecks.HOST)
    public static class Host extends Base {
        @Activate
        public Host(@Reference VmwareSessions sessions) {
            super(sessions, VsphereChecks.HOST);
        }
    }

    /** {@code vmware-datastore}. */
    @Component(service = ResourceMonitor.class,
            property = ResourceMonitor.TYPE_PROPERTY + "=" + VsphereChecks.DATASTORE)
    public static class Datastore extends Base {
        @Activate
        public Datastore(@Reference VmwareSessions sessions) {
            super(sessions, VsphereChecks.DATASTORE);
        }
    }

    /** {@code vmware-vm-heartbeat}. */
    @Component(service = ResourceMonitor.class,
            property = ResourceMonitor.TYPE_PROPERTY + "=" + VsphereChecks.VM_HEARTBEAT)
    public static class Heartbeat extends Base {
        @Activate
        public Heartbeat(@Reference VmwareSessions sessions) {
            super(sessions, VsphereChecks.VM_HEARTBEAT);
        }
    }
}
