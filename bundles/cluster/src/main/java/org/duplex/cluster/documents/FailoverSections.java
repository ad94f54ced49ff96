package org.duplex.cluster.documents;

import java.util.List;

import org.duplex.cluster.config.ClusterConfig;
import org.duplex.cluster.config.GroupConfig;
import org.duplex.cluster.config.MonitorConfig;
import org.duplex.cluster.config.PolicyConfig;
import org.duplex.cluster.config.ResourceConfig;

/**
 * The {@code failover} document: the sections of the cluster configuration the failover bundle owns, in the shape
 * they have in the configuration file and on the wire. The cluster reads them as names, lists and strings only.
 */
public record FailoverSections(List<ResourceConfig> resources, List<GroupConfig> groups, List<MonitorConfig> monitors,
                               PolicyConfig policies) {

    public FailoverSections {
        resources = resources == null ? List.of() : List.copyOf(resources);
        groups = groups == null ? List.of() : List.copyOf(groups);
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
        policies = policies == null ? PolicyConfig.DEFAULTS : policies;
    }

    public static FailoverSections of(ClusterConfig c) {
        return new FailoverSections(c.resources(), c.groups(), c.monitors(), c.policies());
    }

    ClusterConfig into(ClusterConfig base) {
        return base.withResources(resources).withGroups(groups).withMonitors(monitors).withPolicies(policies);
    }
}
