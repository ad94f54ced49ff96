package org.duplex.itests;

import static org.duplex.itests.ExamSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The vmware plug-in in the distribution (a one-node cluster) against a real vcsim built from Debian's govmomi
 * source (plugins/vmware/src/test/vcsim): installed with ha:plugin-install, its monitor answers, a fencing device
 * of {@code type = vmware} (a plug-in type, through the API's FenceAgent whiteboard) powers a VM off and on through
 * ha:fence, and the engine starts and stops a {@code vmware-vm} resource.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VmwarePluginIT {

    private static final String PLUGIN = "duplex-plugin-vmware";

    @Inject
    BundleContext bundleContext;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DuplexContainer.options(systemProperty("duplex.root").value(DuplexContainer.required("duplex.root")));
    }

    @Test
    public void agentFenceAndMonitorDriveARealVcsim() throws Exception {
        Path root = Path.of(System.getProperty("duplex.root"));
        // the binary the plug-in's own tests built in this build (build.sh rebuilds it only when missing or old)
        Path bin = root.resolve("plugins/vmware/target/vcsim/vcsim");
        Files.createDirectories(bin.getParent());
        Process build = new ProcessBuilder("bash", root.resolve("plugins/vmware/src/test/vcsim/build.sh").toString(),
                bin.toString()).redirectErrorStream(true).redirectOutput(bin.resolveSibling("build.log").toFile())
                .start();
        assertThat(build.waitFor(300, TimeUnit.SECONDS)).as("vcsim built within 300 s").isTrue();
        assumeTrue("SKIPPED LOUDLY: cannot build vcsim: " + Files.readString(bin.resolveSibling("build.log")),
                build.exitValue() != 3);
        assertThat(build.exitValue()).as(Files.readString(bin.resolveSibling("build.log"))).isZero();

        Process sim = new ProcessBuilder(bin.toString(), "-listen", "127.0.0.1:0", "-user", "duplex", "-pass",
                "it-vc-pw").redirectError(bin.resolveSibling("vcsim-it.log").toFile()).start();
        Path pwDir = Files.createTempDirectory("duplex-vc-it");
        try {
            Map<String, String> out = new HashMap<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null && !line.equals("READY"); ) {
                out.put(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1));
            }
            Path pw = pwDir.resolve("vc.pw");
            Files.writeString(pw, "it-vc-pw\n");
            Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
            String endpoint = "url=" + out.get("URL") + " user=duplex password-file=" + pw + " thumbprint="
                    + out.get("THUMBPRINT");

            await("ha:plugin-list available (cluster node started)", () -> {
                try {
                    return execute("ha:plugin-list").contains("Cluster plug-in set");
                } catch (AssertionError notYet) {
                    return false;
                }
            });
            assertThat(execute("ha:plugin-install " + PLUGIN)).contains("Installed on 1 of 1 nodes");
            await("vmware services registered", () -> services("org.duplex.api.agent.ResourceAgent",
                    "(duplex.agent.type=vmware-vm)") == 1
                    && services("org.duplex.api.fence.FenceAgent", "(duplex.fence.type=vmware)") == 1
                    && services("org.duplex.api.monitor.ResourceMonitor", "(duplex.monitor.type=vmware-*)") == 3);
            assertThat(execute("ha:monitors")).contains("vmware-host").contains("vmware-datastore")
                    .contains("vmware-vm-heartbeat");
            assertThat(execute("ha:monitor-check vmware-vm-heartbeat vm=DC0/vm/DC0_H0_VM0 " + endpoint))
                    .startsWith("HEALTHY").contains("heartbeat green");

            // a fencing device of the plug-in's type: node9 stands for a node whose VM is DC0_H0_VM0
            Configuration fence = configAdmin.createFactoryConfiguration("org.duplex.failover.fence", "?");
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("name", "vc");
            p.put("type", "vmware");
            p.put("nodes", "node9");
            p.put("timeout", "10s");
            p.put("vm.node9", "DC0/vm/DC0_H0_VM0");
            for (String kv : endpoint.split(" ")) {
                p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            fence.update(p);
            await("fence device vc listed", () -> execute("ha:fence-list").contains("vc"));
            System.out.println(execute("ha:fence-list"));
            assertThat(execute("ha:fence --action status node9")).contains("vc=on");
            assertThat(execute("ha:fence --action off node9")).contains("node9 is fenced")
                    .contains("VM DC0/vm/DC0_H0_VM0 powered off (confirmed poweredOff)");
            assertThat(execute("ha:fence --action status node9")).contains("vc=off");
            assertThat(execute("ha:monitor-check vmware-vm-heartbeat vm=DC0/vm/DC0_H0_VM0 " + endpoint))
                    .startsWith("UNHEALTHY").contains("poweredOff");

            // the engine starts the powered-off VM as resource vm1 of group g, and stops it on standby
            execute("ha:resource-add vm1 vmware-vm vm=DC0/vm/DC0_H0_VM0 " + endpoint + " monitor-interval=2s");
            execute("ha:group-add g resources=vm1 nodes=node1");
            await("the engine powered vm1 on and its guest is up", () -> execute(
                    "ha:monitor-check vmware-vm-heartbeat vm=DC0/vm/DC0_H0_VM0 " + endpoint).startsWith("HEALTHY"));
            System.out.println(execute("ha:resource-show vm1"));
            execute("ha:node-standby node1");
            await("the engine stopped vm1", () -> execute("ha:fence --action status node9").contains("vc=off"));
            System.out.println(execute("ha:history -n 20"));
            execute("ha:node-online node1");
            fence.delete();
        } finally {
            sim.getOutputStream().close();
            if (!sim.waitFor(5, TimeUnit.SECONDS)) {
                sim.destroyForcibly();
            }
            Files.walk(pwDir).sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private int services(String clazz, String filter) {
        return ExamSupport.services(bundleContext, clazz, filter);
    }

    private String execute(String command) {
        return ExamSupport.admin(sessionFactory, command);
    }

}
