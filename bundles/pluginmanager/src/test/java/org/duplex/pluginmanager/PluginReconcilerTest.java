package org.duplex.pluginmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import org.duplex.api.model.NodeId;
import org.duplex.api.plugin.NodePlugins;
import org.duplex.api.plugin.PluginSet;
import org.duplex.api.plugin.PluginState;
import org.duplex.api.plugin.PluginState.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node's plug-ins brought to the cluster's set, on a fake features service (no container). */
class PluginReconcilerTest {

    private static final String PING = "duplex-plugin-ping";
    private static final String DB = "duplex-plugin-db";

    @TempDir
    Path dir;

    private final FakeFeatures features = new FakeFeatures().offering(PING, DB);

    private PluginReconciler reconciler() {
        return new PluginReconciler(NodeId.of("n1"), features, ManagedSet.file(dir.resolve("managed")),
                () -> Instant.ofEpochMilli(5));
    }

    @Test
    void installsWhatTheSetNamesAndRemovesItWhenTheSetNoLongerDoes() {
        NodePlugins r = reconciler().reconcile(new PluginSet(4, Set.of(PING)));
        assertThat(features.installed).containsExactly(PING);
        assertThat(r.applied()).isEqualTo(4);
        assertThat(r.state(PING)).isEqualTo(new PluginState(PING, Status.INSTALLED, ""));

        NodePlugins again = reconciler().reconcile(new PluginSet(5, Set.of(PING)));
        assertThat(features.calls).as("nothing to do the second time").containsExactly("install " + PING);
        assertThat(again.applied()).isEqualTo(5);

        NodePlugins removed = reconciler().reconcile(new PluginSet(6, Set.of()));
        assertThat(features.installed).isEmpty();
        assertThat(removed.state(PING)).isEqualTo(new PluginState(PING, Status.ABSENT, "removed"));
        assertThat(features.calls).containsExactly("install " + PING, "uninstall " + PING);
    }

    @Test
    void aRestartedNodeStillRemovesWhatItInstalledForTheSetButNeverWhatAnOperatorInstalledByHand() {
        reconciler().reconcile(new PluginSet(1, Set.of(PING)));
        features.installed.add(DB); // feature:install by hand, never in the set
        // a new reconciler = the node after a restart: what it manages comes from the file
        NodePlugins r = reconciler().reconcile(new PluginSet(2, Set.of()));
        assertThat(features.installed).containsExactly(DB);
        assertThat(r.state(DB)).isEqualTo(new PluginState(DB, Status.INSTALLED, PluginReconciler.LOCAL_ONLY));
        assertThat(r.state(PING).status()).isEqualTo(Status.ABSENT);
    }

    @Test
    void aHandInstalledPluginTheSetLaterNamesIsAdoptedAndRemovedWithTheSet() {
        features.installed.add(PING);
        NodePlugins r = reconciler().reconcile(new PluginSet(1, Set.of(PING)));
        assertThat(r.state(PING).status()).isEqualTo(Status.INSTALLED);
        assertThat(features.calls).isEmpty();
        reconciler().reconcile(new PluginSet(2, Set.of()));
        assertThat(features.installed).isEmpty();
    }

    @Test
    void failuresAreReportedWithTheirReasonAndRetriedAtTheNextPass() {
        features.failInstall.put(DB, "Unable to resolve root: missing requirement osgi.wiring.package=org.postgresql");
        NodePlugins r = reconciler().reconcile(new PluginSet(1, Set.of(DB, "duplex-plugin-nowhere")));
        assertThat(r.state(DB)).isEqualTo(new PluginState(DB, Status.FAILED, "install failed: Unable to resolve root:"
                + " missing requirement osgi.wiring.package=org.postgresql"));
        assertThat(r.state("duplex-plugin-nowhere").status()).isEqualTo(Status.FAILED);
        assertThat(r.state("duplex-plugin-nowhere").detail()).startsWith("not in this node's feature repositories");
        assertThat(PluginReconciler.anyFailed(r)).isTrue();
        features.failInstall.clear();
        NodePlugins retried = reconciler().reconcile(new PluginSet(1, Set.of(DB)));
        assertThat(retried.state(DB).status()).isEqualTo(Status.INSTALLED);
        assertThat(PluginReconciler.anyFailed(retried)).isFalse();
    }

    @Test
    void onlyPluginFeaturesAreEverTouched() {
        features.available.add("duplex-mirror");
        NodePlugins r = reconciler().reconcile(new PluginSet(1, Set.of("duplex-mirror")));
        assertThat(features.calls).isEmpty();
        assertThat(r.state("duplex-mirror")).isEqualTo(new PluginState("duplex-mirror", Status.FAILED,
                "not a plug-in feature name"));
    }
}
