package org.duplex.mirror.component;

import org.duplex.api.cluster.ClusterService;

/** Test access to the registry's DS binding (tests of other packages bind a fake cluster). */
public final class RegistryAccess {
    private RegistryAccess() {
    }

    public static void bindCluster(MirrorRegistry registry, ClusterService cluster) {
        registry.bindCluster(cluster);
    }

    public static void deactivate(MirrorRegistry registry) {
        registry.deactivate();
    }
}
