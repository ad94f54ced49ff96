package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.vip.VipAgent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IPv4 monitor reads the interface's addresses in-process when commands run as this process; with a command
 * prefix it still asks {@code ip}. Both must give the same answer: present, absent, no such interface.
 */
class VipMonitorInProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest
    @CsvSource({"127.0.0.1, lo, RUNNING", "127.0.0.77, lo, NOT_RUNNING", "127.0.0.1, nosuch0, ERR_CONFIGURED"})
    void inProcessAndIpCommandAgree(String ip, String dev, String expected) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "SKIPPED: needs iproute2's ip (scripts/install-deps.sh installs it)");
        Resource r = new Resource(ResourceId.of("vip"), "vip", Map.of("ip", ip, "interface", dev),
                OperationTimeouts.DEFAULTS, Duration.ofSeconds(2));
        OperationResult inProcess = new VipAgent(CommandRunner.direct()).monitor(r, TIMEOUT);
        // "env" as prefix: the same user and namespace, but the agent must spawn ip as it does with "sudo -n"
        OperationResult viaIp = new VipAgent(new CommandRunner(List.of("env"))).monitor(r, TIMEOUT);
        OcfStatus want = expected.equals("RUNNING") ? OcfStatus.SUCCESS : OcfStatus.valueOf(expected);
        assertThat(inProcess.status()).as("in-process: " + inProcess.reason()).isEqualTo(want);
        assertThat(viaIp.status()).as("ip: " + viaIp.reason()).isEqualTo(want);
        assertThat(inProcess.reason()).startsWith(viaIp.reason().split(":")[0]);
    }
}
