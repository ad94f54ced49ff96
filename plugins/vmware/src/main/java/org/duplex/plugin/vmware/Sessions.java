package org.duplex.plugin.vmware;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.duplex.plugin.support.Deadline;

/**
 * One {@link VimClient} (one vSphere session) per endpoint, shared by every resource, monitor and fencing device
 * of the bundle that names the same endpoint: vCenter limits sessions per user, and a login per check would flood
 * its event log.
 */
public final class Sessions {

    private final Map<Endpoint, VimClient> clients = new ConcurrentHashMap<>();

    public VimClient client(Endpoint endpoint) {
        return clients.computeIfAbsent(endpoint, VimClient::new);
    }

    /** Logs every session out (bundle stop), each within a second. */
    public void closeAll() throws InterruptedException {
        for (VimClient c : List.copyOf(clients.values())) {
            c.logout(Deadline.within(Duration.ofSeconds(1)));
        }
        clients.clear();
    }
}
