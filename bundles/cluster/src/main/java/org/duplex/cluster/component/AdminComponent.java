package org.duplex.cluster.component;

import java.util.List;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.ClusterStatus;
import org.duplex.api.model.NodeMode;
import org.duplex.cluster.config.ConfigException;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Thin DS wiring: the API's {@link org.duplex.api.admin.ClusterAdmin} (what the REST API reads and does) over the
 * same {@link AdminOperations} the ha: commands use, bound to the running node through its bundle-internal
 * ClusterAdmin service (so it comes and goes with the cluster node).
 */
@Component(service = org.duplex.api.admin.ClusterAdmin.class)
public class AdminComponent implements org.duplex.api.admin.ClusterAdmin {

    @Reference
    ClusterAdmin admin;

    @Override
    public ClusterStatus status() {
        return new AdminOperations(admin, AdminOperations.CONFIRM).statusValue();
    }

    @Override
    public String setStandby(String node, boolean standby) throws AdminException {
        return setMode(new AdminOperations(admin, AdminOperations.CONFIRM), node, standby);
    }

    @Override
    public String setMode(String node, NodeMode mode) throws AdminException {
        return setMode(new AdminOperations(admin, AdminOperations.CONFIRM), node, mode);
    }

    /** {@link AdminOperations#setMode}, its refusals turned into the API's exception naming the field. */
    public static String setMode(AdminOperations ops, String node, boolean standby) throws AdminException {
        return setMode(ops, node, standby ? NodeMode.STANDBY : NodeMode.ONLINE);
    }

    /** {@link AdminOperations#setMode} to any mode (maintenance too), refusals naming the field. */
    public static String setMode(AdminOperations ops, String node, NodeMode mode) throws AdminException {
        try {
            return ops.setMode(node, mode);
        } catch (ConfigException e) {
            List<String> problems = e.problems();
            String text = String.join("; ", problems);
            boolean aboutNode = !problems.isEmpty() && problems.stream().allMatch(p -> p.startsWith("node:"));
            if (aboutNode) {
                return throwNode(text);
            }
            throw new AdminException(AdminException.Kind.REFUSED, null, "refused, nothing changed: " + text);
        }
    }

    private static String throwNode(String text) throws AdminException {
        throw new AdminException(text.contains("unknown node") ? AdminException.Kind.NOT_FOUND
                : AdminException.Kind.INVALID, "node", text);
    }
}
