package org.duplex.cluster.command;

import java.util.ArrayList;
import java.util.List;

import org.duplex.api.status.StatusSection;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.duplex.cluster.runtime.StartupRecord;

@Command(scope = "ha", name = "status",
        description = "Nodes with liveness per link and in the view, quorum votes, coordinator, epoch, config version")
@Service
public class StatusCommand implements Action {

    /** Optional: when the cluster node failed to start, status still answers and says why. */
    @Reference(optional = true)
    ClusterAdmin admin;

    @Reference
    org.osgi.framework.BundleContext context;

    /**
     * Sections are looked up when the command runs, not held by the cluster component: the failover section needs
     * the failover service, which needs the cluster service, and a DS reference from the cluster component to the
     * sections made that a cycle SCR broke by restarting components at boot.
     */
    @Override
    public Object execute() throws Exception {
        if (admin == null) {
            System.out.print(StartupRecord.notRunning(StartupRecord.lastFailure()));
            // non-zero exit for scripts and monitoring, as crm_mon does when the cluster is not running
            throw new IllegalStateException("the cluster node is not running here (reason above)");
        }
        List<StatusSection> sections = new ArrayList<>();
        List<org.osgi.framework.ServiceReference<StatusSection>> refs =
                new ArrayList<>(context.getServiceReferences(StatusSection.class, null));
        try {
            for (var r : refs) {
                StatusSection s = context.getService(r);
                if (s != null) {
                    sections.add(s);
                }
            }
            System.out.print(CommandSupport.operations(admin).status(sections));
        } finally {
            refs.forEach(context::ungetService);
        }
        return null;
    }
}
