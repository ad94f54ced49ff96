package org.duplex.api.admin;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The failover bundle's administrative side: groups, resources, history, switchover, cleanup, the configuration
 * and what-if simulations. Implemented by the failover bundle only (consumers: the web bundle, plug-ins).
 */
@ProviderType
public interface FailoverAdmin {

    List<GroupInfo> groups();

    List<ResourceInfo> resources();

    /**
     * The latest {@code last} entries of the timeline, oldest first.
     *
     * @param group a group or resource name, or null for all
     */
    List<HistoryEntry> history(String group, int last);

    /**
     * {@code ha:switchover --reorder}: a planned move of a group that moves the target to the front of its node
     * list (the 1.1 behaviour; {@link #switchover(String, String, boolean, String)} with {@code reorder=false}
     * keeps the list).
     *
     * @param node the target, or null for the next eligible node of its list
     * @throws AdminException unknown group (field {@code group}) or node (field {@code node}), or refused
     */
    SwitchoverOutcome switchover(String group, String node) throws AdminException;

    /**
     * {@code ha:switchover [--reorder]}: a planned move of a group. Without {@code reorder} the group gets an
     * operator placement on the target (replicated; its node list is unchanged) until {@link #clearPlacement};
     * with it the target is moved to the front of the group's node list.
     *
     * @param node the target, or null for the next eligible node of its list
     * @param user who asks, recorded with the placement
     * @throws AdminException unknown group (field {@code group}) or node (field {@code node}), or refused
     * @since 1.2
     */
    default SwitchoverOutcome switchover(String group, String node, boolean reorder, String user)
            throws AdminException {
        if (!reorder) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "this node cannot place a group");
        }
        return switchover(group, node);
    }

    /**
     * {@code ha:switchover --clear}: removes a group's operator placement. Moves nothing itself; the engine then
     * places the group by its node priority, stickiness and failback policy.
     *
     * @return what was done, in words
     * @throws AdminException unknown group (field {@code group}), or refused (no quorum)
     * @since 1.2
     */
    default String clearPlacement(String group, String user) throws AdminException {
        throw new AdminException(AdminException.Kind.REFUSED, null, "this node has no placements");
    }

    /**
     * {@code ha:cleanup}: forgets a resource's failures so failed or blocked copies are probed again.
     *
     * @return the number of failures forgotten
     * @throws AdminException unknown resource (field {@code resource})
     */
    int cleanup(String resource) throws AdminException;

    /**
     * The running failover configuration as a JSON document: sections {@code resources}, {@code groups},
     * {@code monitors}, {@code policies} (the failover part of {@code ha:config-export}'s JSON), every group
     * policy key written out. The starting point of a candidate for {@link #simulate}.
     *
     * @since 1.1
     */
    String configuration();

    /**
     * {@code ha:simulate}: the plan the engine would make now if the given nodes died and/or with a candidate
     * configuration instead of the running one. Pure: nothing is carried out, nothing is saved.
     *
     * @throws AdminException unknown node (field {@code failNodes}), a candidate that does not map to a
     *                        configuration (field {@code configuration}, the reason naming the section)
     * @since 1.1
     */
    SimulationResult simulate(SimulationRequest request) throws AdminException;

    /**
     * {@code ha:monitor-show}: the monitors bound into failover, whether their type is installed here, and the
     * latest result of each on every node.
     *
     * @since 1.3
     */
    default List<MonitorInfo> monitors() {
        return List.of();
    }

    /**
     * {@code ha:monitor-add}: binds a monitor (replicated configuration). The parameters are checked by the type's
     * own validation when the type is installed here.
     *
     * @return the binding and what a failure does, in words (a missing type is a warning there)
     * @throws AdminException a bad setting (INVALID, the field named: {@code name}, {@code type}, {@code on},
     *                        {@code target}, {@code settings}), an existing binding without replace (REFUSED)
     * @since 1.3
     */
    default String addMonitor(MonitorRequest request) throws AdminException {
        throw new AdminException(AdminException.Kind.REFUSED, null, "this node cannot bind monitors");
    }

    /**
     * {@code ha:monitor-remove}.
     *
     * @throws AdminException no such binding (NOT_FOUND, field {@code monitor})
     * @since 1.3
     */
    default String removeMonitor(String name) throws AdminException {
        throw new AdminException(AdminException.Kind.REFUSED, null, "this node cannot remove monitors");
    }
}
