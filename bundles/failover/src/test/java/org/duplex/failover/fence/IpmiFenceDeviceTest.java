package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.duplex.failover.agent.CommandRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ipmi device without a BMC: settings validation, the ipmitool command line, output reading, and the
 * confirm-by-read-back loop on a virtual clock (a scripted runner; no sleeping).
 */
class IpmiFenceDeviceTest {

    private static final NodeId N1 = NodeId.of("node1");

    @TempDir
    Path dir;
    private Path pw;

    /** Virtual time: each ipmitool call costs 50 ms, sleeps advance the clock. */
    private final class VirtualTicker implements IpmiFenceDevice.Ticker {
        long now = 1_000_000_000L;
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            sleeps.add(d);
            now += d.toNanos();
        }
    }

    private final VirtualTicker ticker = new VirtualTicker();
    private final List<List<String>> commands = new ArrayList<>();
    private final List<Duration> bounds = new ArrayList<>();
    /** Answers by the last word (off/on/status); the last answer of a queue repeats. */
    private final Map<String, Deque<CommandRunner.Result>> answers = new HashMap<>();

    private CommandRunner.Result run(List<String> command, Duration timeout) {
        commands.add(command);
        bounds.add(timeout);
        Deque<CommandRunner.Result> q = answers.get(command.get(command.size() - 1));
        CommandRunner.Result r = q.size() > 1 ? q.poll() : q.peek();
        if (r.timedOut()) {
            ticker.now += timeout.toNanos(); // killed at its bound
        } else {
            ticker.now += Duration.ofMillis(50).toNanos();
        }
        return r;
    }

    private static CommandRunner.Result out(int exit, String output) {
        return new CommandRunner.Result(exit, output, false, Duration.ofMillis(50));
    }

    private void answer(String word, CommandRunner.Result... results) {
        answers.put(word, new ArrayDeque<>(List.of(results)));
    }

    @BeforeEach
    void password() throws Exception {
        pw = dir.resolve("ipmi.pass");
        Files.writeString(pw, "s3cret\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    }

    private Map<String, String> props(String... extra) {
        Map<String, String> m = new HashMap<>(Map.of("name", "ipmi", "type", "ipmi", "nodes", "node1",
                "bmc.node1", "10.0.9.1", "user", "fence", "password.file", pw.toString(), "timeout", "5s",
                "poll.interval", "1s"));
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    private IpmiFenceDevice device(String... extra) {
        return new IpmiFenceDevice(FenceDeviceConfig.parse(props(extra)), this::run, ticker);
    }

    @Test
    void theCommandLineCarriesEverySettingAndNeverThePassword() {
        IpmiFenceDevice d = device("bmc.node1", "[fd00::9]:6230", "privilege", "administrator", "cipher.suite", "17",
                "lan.timeout", "2s", "retries", "4", "ipmitool", "/opt/bin/ipmitool");
        List<String> c = IpmiTool.command(d.settings(), d.settings().bmcs().get(N1), "off");
        assertThat(c).containsExactly("/opt/bin/ipmitool", "-I", "lanplus", "-H", "fd00::9", "-p", "6230",
                "-U", "fence", "-f", pw.toString(), "-L", "ADMINISTRATOR", "-C", "17", "-N", "2", "-R", "4", "-v",
                "chassis", "power", "off");
        assertThat(String.join(" ", c)).doesNotContain("s3cret");
        assertThat(d.describeTarget()).contains("node1=[fd00::9]:6230").doesNotContain("s3cret");
    }

    @Test
    void offIsASuccessOnlyOnceTheStatusReadsOff() throws Exception {
        answer("off", out(0, "Chassis Power Control: Down/Off"));
        answer("status", out(0, "Chassis Power is on"), out(0, "Chassis Power is on"),
                out(0, "Loading IANA PEN Registry... Chassis Power is off"));

        FenceResult r = device().run(FenceAction.OFF, N1);

        assertThat(r.ok()).isTrue();
        assertThat(commands).extracting(c -> c.get(c.size() - 1)).containsExactly("off", "status", "status", "status");
        assertThat(ticker.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(r.output()).contains("power off requested (Chassis Power Control: Down/Off)")
                .contains("confirmed off by reading the status back (3 reads)");
    }

    @Test
    void anAcceptedOffThatNeverReadsBackOffFailsAtTheTimeout() throws Exception {
        answer("off", out(0, "Chassis Power Control: Down/Off"));
        answer("status", out(0, "Chassis Power is on"));

        FenceResult r = device().run(FenceAction.OFF, N1);

        assertThat(r.ok()).as("a request is not a confirmation").isFalse();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(r.output()).contains("NOT confirmed off").contains("still says on");
        assertThat(bounds).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void aSilentBmcIsCutOffAtTheDeviceTimeout() throws Exception {
        answer("off", new CommandRunner.Result(-1, "", true, Duration.ofSeconds(5)));

        FenceResult r = device().run(FenceAction.OFF, N1);

        assertThat(r.timedOut()).isTrue();
        assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(5));
        assertThat(bounds).containsExactly(Duration.ofSeconds(5));
        assertThat(r.output()).contains("no answer from the BMC at 10.0.9.1:623").contains("bmc.node1");
    }

    @Test
    void aWrongPasswordIsSaidPlainlyAndNotRetried() throws Exception {
        answer("off", out(1, "Loading IANA PEN Registry... > RAKP 2 HMAC is invalid Error: Unable to establish "
                + "IPMI v2 / RMCP+ session"));

        FenceResult r = device().run(FenceAction.OFF, N1);

        assertThat(r.ok()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(commands).hasSize(1);
        assertThat(r.output()).contains("refused the password for user 'fence'").contains(pw.toString())
                .doesNotContain("Loading IANA");
    }

    @Test
    void statusAnswersOnOffOrError() throws Exception {
        answer("status", out(0, "Chassis Power is on"), out(0, "Chassis Power is off"),
                out(1, "RAKP 2 message indicates an error : unauthorized name"));
        IpmiFenceDevice d = device();
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("on");
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("off");
        FenceResult err = d.run(FenceAction.STATUS, N1);
        assertThat(err.status()).isEqualTo("error");
        assertThat(err.output()).contains("does not know user 'fence'");
    }

    @Test
    void cycleIsOffConfirmedThenOnConfirmed() throws Exception {
        answer("off", out(0, "Chassis Power Control: Down/Off"));
        answer("on", out(0, "Chassis Power Control: Up/On"));
        answer("status", out(0, "Chassis Power is off"), out(0, "Chassis Power is on"));

        FenceResult r = device().run(FenceAction.CYCLE, N1);

        assertThat(r.ok()).isTrue();
        assertThat(commands).extracting(c -> c.get(c.size() - 1)).containsExactly("off", "status", "on", "status");
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedAtConfigurationAndBeforeEveryAction() throws Exception {
        IpmiFenceDevice d = device();
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));

        FenceResult r = d.run(FenceAction.OFF, N1);
        assertThat(r.ok()).isFalse();
        assertThat(commands).as("the BMC is not called").isEmpty();
        assertThat(r.output()).contains("password.file " + pw).contains("group or others may read it")
                .contains("chmod 600");

        assertThatThrownBy(this::device).hasMessageContaining("fencing device ipmi (type ipmi)")
                .hasMessageContaining("group or others may read it");
    }

    @Test
    void everyBadSettingIsNamed() {
        Map<String, String> m = props("bmc.node1", "-oProxyCommand", "bmc.node3", "10.0.9.3", "privilege", "root",
                "cipher.suite", "99", "retries", "-1", "lan.timeout", "1500ms", "poll.interval", "9s",
                "password.file", "ipmi.pass", "user", "", "colour", "blue");
        m.put("nodes", "node1,node2");
        assertThatThrownBy(() -> new IpmiFenceDevice(FenceDeviceConfig.parse(m), this::run, ticker))
                .hasMessageContaining("bmc.node1: '-oProxyCommand' is not a host name")
                .hasMessageContaining("bmc.node2 is missing")
                .hasMessageContaining("bmc.node3: node 'node3' is not in nodes")
                .hasMessageContaining("privilege: 'root' is not one of user, operator, administrator")
                .hasMessageContaining("cipher.suite: '99'")
                .hasMessageContaining("retries: '-1'")
                .hasMessageContaining("lan.timeout: must be whole seconds")
                .hasMessageContaining("poll.interval: 9s must be shorter than timeout 5s")
                .hasMessageContaining("password.file: 'ipmi.pass' must be an absolute path")
                .hasMessageContaining("user is missing")
                .hasMessageContaining("colour: unknown key for type ipmi");
    }

    @Test
    void readsIpmitoolOutput() {
        assertThat(IpmiTool.power("Chassis Power is on")).isEqualTo(IpmiTool.Power.ON);
        assertThat(IpmiTool.power("x Chassis Power is off")).isEqualTo(IpmiTool.Power.OFF);
        assertThat(IpmiTool.power("Error: Unable to establish IPMI v2 / RMCP+ session"))
                .isEqualTo(IpmiTool.Power.UNKNOWN);
        assertThat(IpmiTool.clean("Loading IANA PEN Registry... Get HPM.x Capabilities request failed, compcode = d4 "
                + "Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20 Invalid completion code received: "
                + "Insufficient privilege level Discovered IPMB address 0x0 Chassis Power Control: Down/Off"))
                .isEqualTo("Chassis Power Control: Down/Off");
    }
}
