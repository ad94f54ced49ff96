package org.duplex.itests;

import static org.duplex.itests.ExamSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The plug-in kit end to end in the distribution (a one-node cluster, as it ships): the template plug-in installed
 * with ha:plugin-install comes up as a monitor type (ha:monitors, ha:monitor-check) with its default .cfg in etc/;
 * removed with ha:plugin-remove it is gone and a binding to it shows "monitor type missing". Bad input is refused
 * naming what was wrong.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginKitIT {

    private static final String PLUGIN = "duplex-plugin-template";

    @Inject
    BundleContext bundleContext;

    @Inject
    FeaturesService featuresService;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DuplexContainer.options();
    }

    /** The ha:plugin-* commands appear once the cluster node runs (they need its ClusterPlugins service). */
    private void awaitCommands() throws InterruptedException {
        await("ha:plugin-list available (cluster node started)", () -> {
            try {
                return execute("ha:plugin-list").contains("Cluster plug-in set");
            } catch (AssertionError notYet) {
                return false;
            }
        });
    }

    @Test
    public void templatePluginInstalledAndRemovedThroughTheClusterPluginSet() throws Exception {
        awaitCommands();
        assertThat(execute("ha:plugin-list")).contains("Cluster plug-in set (configuration version")
                .containsPattern("Available here, not in the set: .*" + PLUGIN);

        String installed = execute("ha:plugin-install " + PLUGIN);
        System.out.println(installed);
        assertThat(installed).contains("Installing " + PLUGIN + " on every node")
                .containsPattern("node1 +installed").contains("Installed on 1 of 1 nodes");
        assertThat(featuresService.isInstalled(featuresService.getFeature(PLUGIN))).isTrue();
        await("template monitor registered", () -> templateMonitors() == 1);
        assertThat(execute("ha:monitors")).contains("template");

        Path etc = Paths.get(System.getProperty("karaf.etc"));
        assertThat(etc.resolve("org.duplex.plugin.template.cfg")).as("the feature's <configfile>").exists();
        await("the default configuration reached ConfigAdmin", () -> {
            try {
                Configuration c = configAdmin.getConfiguration("org.duplex.plugin.template", null);
                return c.getProperties() != null && "0".equals(String.valueOf(c.getProperties()
                        .get("max.age.seconds")));
            } catch (java.io.IOException e) {
                return false;
            }
        });

        Path alive = Files.createTempFile("duplex-template-it", ".alive");
        assertThat(execute("ha:monitor-check template path=" + alive)).startsWith("HEALTHY: " + alive + " exists");
        execute("ha:resource-add itapp process command=/bin/true");
        execute("ha:monitor-add alive template on=resource target=itapp path=" + alive);
        assertThat(execute("ha:monitor-show alive")).contains("type template: installed on this node");
        String list = execute("ha:plugin-list");
        System.out.println(list);
        assertThat(list).containsPattern(PLUGIN + " +node1 +installed");

        String removed = execute("ha:plugin-remove " + PLUGIN);
        System.out.println(removed);
        assertThat(removed).containsPattern("node1 +absent +removed").contains("Removed on 1 of 1 nodes");
        await("template monitor gone", () -> templateMonitors() == 0);
        assertThat(execute("ha:monitors")).doesNotContain("template");
        assertThat(execute("ha:monitor-show alive")).contains("monitor type missing");
        assertThat(execute("ha:plugin-list")).contains("(configuration version").contains("): empty");

        execute("ha:monitor-remove alive");
        execute("ha:resource-remove itapp");
        Files.deleteIfExists(alive);
    }

    @Test
    public void badInputIsRefusedNamingWhatWasWrong() throws Exception {
        awaitCommands();
        assertThat(failure("ha:plugin-install duplex-mirror"))
                .contains("'duplex-mirror' is not a plug-in: plug-in features are named duplex-plugin-NAME");
        assertThat(failure("ha:plugin-install duplex-plugin-nope"))
                .contains("unknown plug-in 'duplex-plugin-nope': no such feature in this node's feature repositories")
                .contains(PLUGIN);
        assertThat(failure("ha:plugin-remove duplex-plugin-ping"))
                .contains("'duplex-plugin-ping' is not in the cluster's plug-in set");
    }

    private int templateMonitors() {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(
                    "org.duplex.api.monitor.ResourceMonitor", "(duplex.monitor.type=template)");
            return refs == null ? 0 : refs.length;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String failure(String command) {
        try {
            String out = execute(command);
            throw new IllegalStateException(command + " should have failed but printed: " + out);
        } catch (AssertionError e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** As the admin user: the ha: commands are guarded by etc/org.apache.karaf.command.acl.ha.cfg. */
    private String execute(String command) {
        return ExamSupport.admin(sessionFactory, command);
    }

}
