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

    @Override
    public void install(String feature) throws Exception {
        features.installFeature(feature, OPTIONS);
    }

    @Override
    public void uninstall(String feature) throws Exception {
        features.uninstallFeature(feature, OPTIONS);
    }
}
