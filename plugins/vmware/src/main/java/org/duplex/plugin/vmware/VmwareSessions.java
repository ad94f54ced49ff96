package org.duplex.plugin.vmware;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The bundle's shared vSphere sessions ({@link Sessions}) as a DS component that the agent, the monitors and the
 * fencing agent reference, so that they share one session per endpoint; logs them out when the bundle stops.
 * Registered under its own class, which no other bundle can see (the package is private).
 */
@Component(service = VmwareSessions.class)
public class VmwareSessions {

    private final Sessions sessions = new Sessions();

    Sessions sessions() {
        return sessions;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        sessions.closeAll();
    }
}
