package org.duplex.itests.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.duplex.itests.DuplexContainer;
import org.duplex.itests.lab.TwoNodeLab;
import org.duplex.itests.net.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * A switchover from the web console on the two-node lab (the demo's cabling, namespaces, root only): the operator
 * opens the coordinator's console, asks to switch group {@code web} over to the other node, gives a wrong password
 * (refused, the VIP still served by the same node) then the right one; the console reports the move and its
 * outage, the client at the VIP is served by the other node, and the audit log has the switchover. The browser
 * runs on the host; a socat forwarder on 127.0.0.1 carries its connections into the client's namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSwitchoverIT {

    private static final String OPERATOR_PASSWORD = "console-it-operator";

    private TwoNodeLab lab;
    private Process forwarder;
    private ConsoleBrowser b;
    private Path shots;
    private final List<String> footprint = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        ConsoleBrowser.requireChromium("ConsoleSwitchoverIT");
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: ConsoleSwitchoverIT needs root and iproute2 for the two-node lab (CI runs as root)");
        for (String tool : List.of("/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: ConsoleSwitchoverIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        Path workDir = Paths.get(DuplexContainer.required("duplex.workDir"));
        Path work = workDir.resolve("console-two-node");
        shots = workDir.getParent().resolve("console-screenshots").resolve("switchover");
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work, "dxc-");
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
        for (String n : List.of("node1", "node2")) {
            ConsoleIT.passwd(lab.dir().resolve(n), "operator", "olga", OPERATOR_PASSWORD);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (b != null) {
                footprint.add(b.footprint());
                b.close();
            }
            if (!footprint.isEmpty()) {
                footprint.forEach(l -> System.out.println("ConsoleSwitchoverIT footprint: " + l));
                Files.write(shots.resolve("footprint.txt"), footprint);
            }
        } finally {
            if (forwarder != null) {
                forwarder.destroy();
                forwarder.waitFor();
            }
            if (lab != null) {
                lab.down();
            }
        }
    }

    @Test
    void anOperatorSwitchesTheGroupOverFromTheConsoleAfterAPasswordCheck() throws Exception {
        String active = lab.served();
        assertThat(active).isIn("node1", "node2");
        String other = active.equals("node1") ? "node2" : "node1";
        String coordinator = lab.coordinator();
        String address = coordinator.equals("node1") ? "10.77.1.1" : "10.77.1.2";

        int port = DuplexContainer.freePort();
        Path hop = lab.dir().resolve("console-hop.sh");
        Files.writeString(hop, "#!/bin/sh\nexec ip netns exec dxc-cl socat STDIO TCP:" + address + ":8443\n");
        Files.setPosixFilePermissions(hop, PosixFilePermissions.fromString("rwx------"));
        forwarder = new ProcessBuilder("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                "EXEC:" + hop).redirectErrorStream(true).redirectOutput(lab.dir().resolve("console-hop.log").toFile())
                .start();
        String base = "https://localhost:" + port;
        await("the coordinator's console through the forwarder").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    try (var s = new java.net.Socket("127.0.0.1", port)) {
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });

        b = new ConsoleBrowser(lab.dir(), shots);
        b.open(base + "/console/");
        b.waitVisible("login-view");
        b.login("olga", OPERATOR_PASSWORD);
        b.waitVisible("app-view");
        By webRunsOn = By.cssSelector("tr[data-group='web'] td.running-on");
        b.waitText(webRunsOn, active);
        b.waitText(By.id("coordinator"), coordinator);
        b.waitText(By.cssSelector("tr[data-node='" + other + "'] td.mode"), "online");
        b.shot("01-two-nodes");

        b.click(By.cssSelector("button[data-op='switchover'][data-group='web']"));
        b.waitVisible("confirm-target");
        b.until(d -> {
            new org.openqa.selenium.support.ui.Select(d.findElement(By.id("confirm-target"))).selectByValue(other);
            return true;
        });
        b.type(By.id("confirm-password"), "not-the-password");
        b.click(By.id("confirm-ok"));
        b.waitText(By.id("confirm-error"), "Wrong password: nothing was done.");
        assertThat(lab.served()).isEqualTo(active);
        b.shot("02-wrong-password");

        b.type(By.id("confirm-password"), OPERATOR_PASSWORD);
        b.click(By.id("confirm-ok"));
        b.waitContains(By.id("action-result"), "web moved from " + active + " to " + other);
        b.waitText(webRunsOn, other);
        b.shot("03-switched");
        await("the client at the VIP served by " + other).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> other.equals(lab.served()));

        b.click(By.cssSelector(".tab[data-tab='audit']"));
        b.waitContains(By.cssSelector("#audit-table tr[data-operation='switchover'][data-user='olga']"),
                "group=web node=" + other);
        assertThat(b.text(By.cssSelector("#audit-table tr[data-operation='switchover'][data-user='olga']")))
                .contains("ok");
        b.shot("04-audit");
        assertThat(lab.client(coordinator, "ha:audit -n 10")).contains("switchover group=web node=" + other + " -> ok");

        // the switchover left an operator placement (the node list is unchanged): the console shows it and clears it
        assertThat(lab.client(coordinator, "ha:status")).contains("PLACED on " + other);
        b.click(By.cssSelector(".tab[data-tab='overview']"));
        b.waitContains(By.cssSelector("tr[data-group='web'] td.nodes .placement"), "kept on " + other);
        b.click(By.cssSelector("button[data-op='clear-placement'][data-group='web']"));
        b.type(By.id("confirm-password"), OPERATOR_PASSWORD);
        b.click(By.id("confirm-ok"));
        b.waitContains(By.id("action-result"), "The placement of web is cleared");
        b.until(d -> d.findElements(By.cssSelector("tr[data-group='web'] td.nodes .placement")).isEmpty());
        b.shot("05-placement-cleared");
        assertThat(lab.client(coordinator, "ha:status")).doesNotContain("PLACED on");
        assertThat(lab.client(coordinator, "ha:audit -n 10")).contains("switchover group=web clear -> ok");
        // failback=manual: clearing the placement moves nothing
        assertThat(lab.served()).isEqualTo(other);
    }
}
