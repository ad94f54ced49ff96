package org.duplex.pluginmanager;

import java.util.Set;

/** The part of Karaf's FeaturesService the plug-in manager uses (a fake in tests). */
public interface Features {

    /** Plug-in features (named duplex-plugin-*) this node's feature repositories offer. */
    Set<String> availablePlugins() throws Exception;

    /** Plug-in features installed on this node. */
    Set<String> installedPlugins() throws Exception;

    /** Installs without refreshing unrelated bundles; throws with Karaf's reason. */
    void install(String feature) throws Exception;

    /** Uninstalls without refreshing unrelated bundles; throws with Karaf's reason. */
    void uninstall(String feature) throws Exception;
}
