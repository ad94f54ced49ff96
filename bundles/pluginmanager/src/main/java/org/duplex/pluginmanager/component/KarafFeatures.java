package org.duplex.pluginmanager.component;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.duplex.api.plugin.PluginSet;
import org.duplex.pluginmanager.Features;

/**
 * {@link Features} on Karaf's FeaturesService. Installs and removals never refresh bundles they did not touch
 * ({@code NoAutoRefreshBundles}): a plug-in coming or going must not restart the cluster or failover bundles.
 */
public final class KarafFeatures implements Features {

    private static final EnumSet<FeaturesService.Option> OPTIONS = EnumSet.of(
            FeaturesService.Option.NoAutoRefreshBundles);

    private final FeaturesService features;

    public KarafFeatures(FeaturesService features) {
        this.features = features;
    }

    @Override
    public Set<String> availablePlugins() throws Exception {
        return names(features.listFeatures());
    }

    @Override
    public Set<String> installedPlugins() throws Exception {
        return names(features.listInstalledFeatures());
    }

    private static Set<String> names(Feature[] fs) {
        return Arrays.stream(fs).map(Feature::getName).filter(PluginSet::isPluginName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Installs the plug-in's version that matches this node's own build (duplex-core) when a repository offers it,
     * else Karaf's newest: after a node went back to an older build the newer repository is still registered, and
     * the node should get the plug-in of its own build, not the newer one (bin/duplex-upgrade --plugin upgrades a
     * plug-in alone on purpose).
     */
    @Override
    public void install(String feature) throws Exception {
        String own = Arrays.stream(features.listInstalledFeatures()).filter(f -> "duplex-core".equals(f.getName()))
                .map(Feature::getVersion).findFirst().orElse(null);
        if (own != null && features.getFeature(feature, own) != null) {
            features.installFeature(feature, own, OPTIONS);
        } else {
            features.installFeature(feature, OPTIONS);
        }
    }

    @Override
    public void uninstall(String feature) throws Exception {
        features.uninstallFeature(feature, OPTIONS);
    }
}
