package org.duplex.api.admin;

import java.util.List;

/** The failover bundle's administrative side: groups, resources, history, switchover and cleanup. */
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
     * {@code ha:switchover}: a planned move of a group.
     *
     * @param node the target, or null for the next eligible node of its list
     * @throws AdminException unknown group (field {@code group}) or node (field {@code node}), or refused
     */
    SwitchoverOutcome switchover(String group, String node) throws AdminException;

    /**
     * {@code ha:cleanup}: forgets a resource's failures so failed or blocked copies are probed again.
     *
     * @return the number of failures forgotten
     * @throws AdminException unknown resource (field {@code resource})
     */
    int cleanup(String resource) throws AdminException;
}
