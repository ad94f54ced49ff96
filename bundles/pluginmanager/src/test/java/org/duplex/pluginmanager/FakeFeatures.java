package org.duplex.pluginmanager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Karaf's features service reduced to two sets, with scripted failures; records what was done. */
final class FakeFeatures implements Features {
    final Set<String> available = new TreeSet<>();
    final Set<String> installed = new TreeSet<>();
    final Map<String, String> failInstall = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    FakeFeatures offering(String... names) {
        available.addAll(List.of(names));
        return this;
    }

    @Override
    public Set<String> availablePlugins() {
        return new TreeSet<>(available);
    }

    @Override
    public Set<String> installedPlugins() {
        return new TreeSet<>(installed);
    }

    @Override
    public void install(String feature) throws Exception {
        calls.add("install " + feature);
        if (failInstall.containsKey(feature)) {
            throw new Exception(failInstall.get(feature) + "\n\tat some.Stack(Trace.java:1)");
        }
        installed.add(feature);
    }

    @Override
    public void uninstall(String feature) {
        calls.add("uninstall " + feature);
        installed.remove(feature);
    }
}
