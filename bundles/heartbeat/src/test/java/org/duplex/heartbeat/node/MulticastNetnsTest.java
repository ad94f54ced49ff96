package org.duplex.heartbeat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP multicast between two nodes. Multicast traffic must not leave the host namespace, so the nodes run in a
 * child JVM inside a network namespace created (and deleted) by this test, on that namespace's loopback.
 */
class MulticastNetnsTest {

    @TempDir
    Path dir;

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Test
    void multicastHeartbeatsInAPrivateNamespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "multicast test needs root to create a network namespace");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "multicast test needs iproute2 (ip)");
        String ns = "duplex-hb-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        try {
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "multicast", "on");
            run("ip", "netns", "exec", ns, "ip", "route", "add", "239.0.0.0/8", "dev", "lo");
            Path key = TestNode.key(dir);
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp", cp,
                    MulticastMain.class.getName(), key.toString(), "7400", "239.255.42.99"));
            String out = run(cmd.toArray(String[]::new));
            assertThat(out).contains("MULTICAST OK: multicast 239.255.42.99:7400");
        } finally {
            run("ip", "netns", "del", ns);
        }
    }
}
