package org.duplex.itests;

import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/** Pax Exam options that boot the Duplex distribution built in this very build, not a stock Karaf. */
public final class DuplexContainer {

    /** The users every container gets (bin/duplex-passwd would create them on a real node). */
    static final String ADMIN_PASSWORD = "it-admin-password";
    static final String OPERATOR_PASSWORD = "it-operator-password";
    static final String VIEWER_PASSWORD = "it-viewer-password";

    private DuplexContainer() {
    }

    /** etc/users.properties with admin, olga (operator) and vera (viewer), in bin/duplex-passwd's format. */
    static File users() {
        try {
            File dir = new File(required("duplex.workDir"));
            dir.mkdirs();
            File f = new File(dir, "users.properties");
            java.nio.file.Files.writeString(f.toPath(), String.join("\n",
                    "admin = " + ADMIN_PASSWORD + ",_g_:admingroup",
                    "olga = " + OPERATOR_PASSWORD + ",_g_:duplex-operator",
                    "vera = " + VIEWER_PASSWORD + ",_g_:duplex-viewer",
                    "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
                    "_g_\\:duplex-operator = group,operator,viewer,ssh",
                    "_g_\\:duplex-viewer = group,viewer,ssh", ""));
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the test users", e);
        }
    }

    static Option[] options(Option... extra) {
        File assembly = new File(required("duplex.assembly"));
        if (!assembly.isFile()) {
            throw new IllegalStateException("Duplex assembly not built: " + assembly
                    + " (run the whole build: mvn verify from the top folder)");
        }
        String localRepo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        Option[] base = {
            karafDistributionConfiguration()
                    .frameworkUrl("file:" + assembly.getAbsolutePath())
                    .unpackDirectory(new File(required("duplex.workDir"), "exam"))
                    .name("Duplex")
                    .useDeployFolder(false),
            keepRuntimeFolder(),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            // Pax Exam's own probe bundles come from the local Maven repository; Duplex's from the distribution.
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            // Free ports, so a node running on this machine (or a parallel build) does not collide.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.duplex.web.cfg", "port.https", String.valueOf(freePort())),
            // AssertJ for the probe's assertions (it is an OSGi bundle).
            mavenBundle().groupId("net.bytebuddy").artifactId("byte-buddy").versionAsInProject(),
            mavenBundle().groupId("org.assertj").artifactId("assertj-core").versionAsInProject(),
            // The cluster key bin/duplex-firstboot would create (Pax Exam starts Karaf without bin/ scripts).
            replaceConfigurationFile("etc/duplex-cluster.key", clusterKey()),
            replaceConfigurationFile("etc/users.properties", users()),
            systemProperty("duplex.version").value(required("duplex.version")),
            systemProperty("duplex.pingJar").value(required("duplex.pingJar")),
        };
        Option[] all = new Option[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** A fresh 32-byte cluster key file for the container under test. */
    static File clusterKey() {
        try {
            File dir = new File(required("duplex.workDir"));
            dir.mkdirs();
            File key = new File(dir, "duplex-cluster.key");
            byte[] bytes = new byte[32];
            new java.security.SecureRandom().nextBytes(bytes);
            java.nio.file.Files.write(key.toPath(), bytes);
            java.nio.file.Files.setPosixFilePermissions(key.toPath(),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return key;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the test cluster key", e);
        }
    }

    public static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven failsafe)");
        }
        return value;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /**
     * A free port whose neighbour {@code port + offset} is free too: JGroups' FD_SOCK2 listens at +100, a mirror
     * volume's fencing path at +1.
     */
    public static int freePortWithNeighbour(int offset) {
        for (int i = 0; i < 50; i++) {
            int port = freePort();
            if (port + offset < 65536) {
                try (ServerSocket s = new ServerSocket(port + offset)) {
                    return port;
                } catch (IOException busy) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free port pair (offset " + offset + ")");
    }
}
