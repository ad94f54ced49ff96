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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Boots the Duplex distribution from this build and checks what an operator relies on: every Duplex bundle
 * active, every Duplex DS component satisfied, the ha: commands wired, and plug-ins hot-deployed both ways.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT {

    private static final String MONITOR = "org.duplex.api.monitor.ResourceMonitor";
    private static final String PING_FILTER = "(duplex.monitor.type=ping)";

    @Inject
    BundleContext bundleContext;

    @Inject
    FeaturesService featuresService;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    ServiceComponentRuntime scr;

    @Inject
    ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DuplexContainer.options();
    }

    private List<Bundle> duplexBundles() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.duplex."))
                .collect(Collectors.toList());
    }

    @Test
    public void everyDuplexBundleIsActive() {
        List<Bundle> bundles = duplexBundles();
        assertThat(bundles).extracting(Bundle::getSymbolicName)
                .contains("org.duplex.api", "org.duplex.heartbeat", "org.duplex.cluster", "org.duplex.failover",
                        "org.duplex.monitor", "org.duplex.shell");
        List<String> notActive = bundles.stream().filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " is " + stateName(b.getState()))
                .collect(Collectors.toList());
        assertThat(notActive).as("Duplex bundles that are not ACTIVE").isEmpty();
    }

    @Test
    public void everyDuplexComponentIsSatisfied() {
        List<String> problems = new ArrayList<>();
        int components = 0;
        for (Bundle bundle : duplexBundles()) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                components++;
                if (!scr.isComponentEnabled(description)) {
                    if (description.defaultEnabled) {
                        problems.add(description.name + " is disabled");
                    }
                    continue;
                }
                for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                    if (config.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || config.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                            || config.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add(describe(description, config));
                    }
                }
            }
        }
        assertThat(components).as("Duplex DS components found").isPositive();
        assertThat(problems).as("unsatisfied Duplex DS components").isEmpty();
    }

    private static String describe(ComponentDescriptionDTO description, ComponentConfigurationDTO config) {
        StringBuilder sb = new StringBuilder(description.name).append(" (bundle ")
                .append(description.bundle.symbolicName).append(") is ").append(switch (config.state) {
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "missing references";
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "missing its configuration "
                            + Arrays.toString(description.configurationPid);
                    default -> "failed to activate: " + config.failure;
                });
        for (UnsatisfiedReferenceDTO ref : config.unsatisfiedReferences) {
            sb.append("; needs ").append(ref.name).append(" target ").append(ref.target);
        }
        return sb.toString();
    }

    @Test
    public void haVersionCommandPrintsTheVersion() throws Exception {
        String out = execute("ha:version");
        assertThat(out).contains("Duplex " + System.getProperty("duplex.version")).contains("Karaf  4.4.");
    }

    @Test
    public void pingPluginFeatureHotDeploysBothWays() throws Exception {
        assertThat(pingMonitors()).as("ping monitor before install").isZero();
        featuresService.installFeature("duplex-plugin-ping", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("ping monitor service registered after feature:install", () -> pingMonitors() == 1);
        assertThat(execute("ha:monitors")).contains("ping");
        assertThat(execute("ha:monitor-check ping host=127.0.0.1")).startsWith("HEALTHY: 127.0.0.1 answered");

        featuresService.uninstallFeature("duplex-plugin-ping", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("ping monitor service gone after feature:uninstall", () -> pingMonitors() == 0);
        assertThat(execute("ha:monitors")).doesNotContain("ping\n").contains("No resource monitors installed");
    }

    @Test
    public void pluginSupportBundleIsSharedAndLeavesWithTheLastPluginUsingIt() throws Exception {
        EnumSet<FeaturesService.Option> noRefresh = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);
        assertThat(supportBundle()).as("org.duplex.plugin.support before any plug-in needs it").isNull();
        try {
            featuresService.installFeature("duplex-plugin-os", noRefresh);
            featuresService.installFeature("duplex-plugin-process", noRefresh);
            await("disk and process monitors registered", () -> monitors("disk") == 1 && monitors("process") == 1);
            assertThat(supportBundle().getState()).as("support bundle state").isEqualTo(Bundle.ACTIVE);

            featuresService.uninstallFeature("duplex-plugin-os", noRefresh);
            await("disk monitor gone after uninstalling duplex-plugin-os", () -> monitors("disk") == 0);
            assertThat(supportBundle()).as("support bundle while duplex-plugin-process still needs it").isNotNull()
                    .extracting(Bundle::getState).isEqualTo(Bundle.ACTIVE);
            // the process monitor runs its /proc scan through the support bundle's Deadline
            assertThat(execute("ha:monitor-check process match=name:java min=1")).startsWith("HEALTHY");

            featuresService.uninstallFeature("duplex-plugin-process", noRefresh);
            await("support bundle gone with the last plug-in using it", () -> supportBundle() == null);
        } finally {
            for (String f : List.of("duplex-plugin-os", "duplex-plugin-process")) {
                if (featuresService.isInstalled(featuresService.getFeature(f))) {
                    featuresService.uninstallFeature(f, noRefresh);
                }
            }
        }
    }

    private Bundle supportBundle() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> "org.duplex.plugin.support".equals(b.getSymbolicName())).findFirst().orElse(null);
    }

    private int monitors(String type) {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(MONITOR,
                    "(duplex.monitor.type=" + type + ")");
            return refs == null ? 0 : refs.length;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void pluginJarDroppedIntoDeployComesUpAndGoesAway() throws Exception {
        Path jar = Paths.get(System.getProperty("duplex.pingJar"));
        Path deploy = Paths.get(System.getProperty("karaf.base"), "deploy");
        Files.createDirectories(deploy);
        Path target = deploy.resolve(jar.getFileName());
        Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        try {
            await("ping monitor service registered after dropping the jar into deploy/", () -> pingMonitors() == 1);
        } finally {
            Files.delete(target);
        }
        await("ping monitor service gone after removing the jar from deploy/", () -> pingMonitors() == 0);
    }

    @Test
    public void heartbeatRunsAndLinksChangeLiveWithoutARestart() throws Exception {
        assertThat(execute("ha:links")).contains("PEER").contains("LIVENESS");
        int port = DuplexContainer.freePort();
        int peerPort = DuplexContainer.freePort();
        Configuration link = configAdmin.createFactoryConfiguration("org.duplex.heartbeat.link", "?");
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("name", "udp-it");
        props.put("type", "udp");
        props.put("local.address", "127.0.0.1");
        props.put("port", String.valueOf(port));
        props.put("peers", "node2=127.0.0.1:" + peerPort);
        link.update(props);
        String[] out = new String[1];
        await("ha:links shows the new link udp-it towards node2", () -> {
            out[0] = execute("ha:links");
            return out[0].contains("udp-it") && out[0].contains("node2");
        });
        assertThat(out[0]).contains("LINK").contains("udp");
        link.delete();
        await("ha:links no longer shows udp-it after its configuration is deleted",
                () -> !execute("ha:links").contains("udp-it"));
    }

    @Test
    public void mirrorFeatureBringsItsCommandsAndServesAPromotedVolumeOverNbd() throws Exception {
        featuresService.installFeature("duplex-mirror", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        String[] out = new String[1];
        await("ha:mirror-status available after feature:install duplex-mirror", () -> {
            out[0] = executeQuietly("ha:mirror-status");
            return out[0].contains("no mirror volumes configured");
        });
        Path dir = Files.createTempDirectory("duplex-mirror-it");
        int nbdPort = DuplexContainer.freePort();
        int replicationPort = DuplexContainer.freePort();
        execute("ha:mirror-create --size 16M --backing " + dir.resolve("itvol.img") + " --local 127.0.0.1:"
                + replicationPort + " --nbd-port " + nbdPort + " itvol");
        await("volume itvol configured", () -> executeQuietly("ha:mirror-status").contains("itvol"));
        // The standalone node holds quorum alone, so it may promote with its current fencing epoch.
        await("itvol promoted", () -> {
            executeQuietly("ha:mirror-promote itvol");
            return executeQuietly("ha:mirror-status itvol").toLowerCase(java.util.Locale.ROOT).contains("primary");
        });
        Path nbdinfo = Paths.get("/usr/bin/nbdinfo");
        if (Files.isExecutable(nbdinfo)) {
            Process p = new ProcessBuilder(nbdinfo.toString(), "nbd://127.0.0.1:" + nbdPort + "/itvol")
                    .redirectErrorStream(true).start();
            String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("nbdinfo output:\n" + info).isZero();
            assertThat(info).contains("16777216");
        } else {
            System.err.println("SKIPPED the NBD part of the mirror test: /usr/bin/nbdinfo is missing"
                    + " (scripts/install-deps.sh installs libnbd-bin)");
        }
        featuresService.uninstallFeature("duplex-mirror", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("ha:mirror-status gone after feature:uninstall duplex-mirror",
                () -> executeQuietly("ha:mirror-status").contains("not found"));
    }

    private String executeQuietly(String command) {
        try {
            return execute(command);
        } catch (AssertionError e) {
            return String.valueOf(e.getMessage());
        }
    }

    private int pingMonitors() {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(MONITOR, PING_FILTER);
            return refs == null ? 0 : refs.length;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the admin user: the ha: commands are guarded by etc/org.apache.karaf.command.acl.ha.cfg. */
    private String execute(String command) {
        return ExamSupport.admin(sessionFactory, command);
    }


    private static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED (not resolved: a missing import?)";
            case Bundle.RESOLVED: return "RESOLVED (not started)";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            default: return "state " + state;
        }
    }
}
