package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.duplex.itests.net.NetNamespaces;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The two-minute version of the soak (scripts/bench/soak.sh): the two-node lab with 10 % packet loss on both
 * nodes' LAN and interconnect, both CPUs saturated, and a 300 ms SIGSTOP of the active JVM every minute. Nothing
 * may happen: no view change, no epoch bump, no no-quorum period, no fence, no failover, the VIP answered by the
 * active node throughout. The script judges and prints the table; this test runs it as a user would and fails
 * with its output. Root only.
 */
class SoakIT {

    @Test
    void twoMinutesOfLossLoadAndPausesChangeNothing() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: SoakIT needs root and iproute2 to create network namespaces (CI runs as root)");
        for (String tool : List.of("/usr/sbin/nft", "/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: SoakIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        Path root = Paths.get(DuplexContainer.required("duplex.root"));
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "soak");
        Files.createDirectories(work);
        Path out = work.resolve("soak.txt");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("scripts/bench/soak.sh").toString(), "2", "10", "300")
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DUPLEX_LAB_PREFIX", "dxk-");
        pb.environment().put("DUPLEX_LAB_DIR", work.resolve("lab").toString());
        pb.environment().put("ASSEMBLY", DuplexContainer.required("duplex.assembly"));
        Process p = pb.start();
        boolean done = p.waitFor(12, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(done).as("soak.sh finished within 12 minutes:\n" + text).isTrue();
        assertThat(p.exitValue()).as("soak.sh exit status (its table says which goal was missed):\n" + text)
                .isZero();
        assertThat(text).contains("soak: passed");
    }
}
