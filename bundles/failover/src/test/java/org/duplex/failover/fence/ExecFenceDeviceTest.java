package org.duplex.failover.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.api.model.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec device contract with real scripts: {@code <command> <action> <node>}, exit codes, output, timeout. */
class ExecFenceDeviceTest {

    private static final NodeId N1 = NodeId.of("node1");

    @TempDir
    Path dir;

    private Path script(Path where, String body) throws IOException {
        Files.createDirectories(where.getParent());
        Files.writeString(where, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwxr-xr-x"));
        return where;
    }

    private ExecFenceDevice device(Path command, String timeout) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("felix.fileinstall.filename", "file:/opt/duplex/etc/org.duplex.failover.fence-test1.cfg");
        props.put("type", "exec");
        props.put("command", command.toString());
        props.put("nodes", "node1,node2");
        props.put("timeout", timeout);
        return (ExecFenceDevice) FenceDeviceTypes.create(FenceDeviceConfig.parse(props));
    }

    @Test
    void offSucceedsWithExitZeroAndCapturesStdoutAndStderr() throws Exception {
        Path log = dir.resolve("calls");
        ExecFenceDevice d = device(script(dir.resolve("fence.sh"),
                "echo \"$1 $2\" >> " + log + "\necho powered down\necho 'warning on stderr' >&2\nexit 0"), "5s");

        FenceResult r = d.run(FenceAction.OFF, N1);

        assertThat(r.ok()).isTrue();
        assertThat(r.exit()).isZero();
        assertThat(r.device()).isEqualTo("test1");
        assertThat(r.output()).contains("powered down").contains("warning on stderr");
        assertThat(Files.readString(log)).isEqualTo("off node1\n");
        assertThat(r.describe()).startsWith("test1: off node1 -> exit 0 in ").contains("powered down");
    }

    @Test
    void nonZeroExitIsAFailure() throws Exception {
        ExecFenceDevice d = device(script(dir.resolve("fence.sh"), "echo 'BMC unreachable' >&2\nexit 1"), "5s");

        FenceResult r = d.run(FenceAction.OFF, N1);

        assertThat(r.ok()).isFalse();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.describe()).contains("exit 1").contains("BMC unreachable");
    }

    @Test
    void statusMapsExitCodes() throws Exception {
        Path code = dir.resolve("code");
        ExecFenceDevice d = device(script(dir.resolve("fence.sh"),
                "[ \"$1\" = status ] || exit 9\nexit $(cat " + code + ")"), "5s");

        Files.writeString(code, "0");
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("on");
        Files.writeString(code, "1");
        FenceResult off = d.run(FenceAction.STATUS, N1);
        assertThat(off.status()).isEqualTo("off");
        assertThat(off.describe()).contains("exit 1 (off)");
        Files.writeString(code, "3");
        assertThat(d.run(FenceAction.STATUS, N1).status()).isEqualTo("error");
    }

    @Test
    void aHungScriptIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        Path pid = dir.resolve("child.pid");
        ExecFenceDevice d = device(script(dir.resolve("hang.sh"),
                "sleep 600 &\necho $! > " + pid + "\nwait"), "700ms");

        long t0 = System.nanoTime();
        FenceResult r = d.run(FenceAction.OFF, N1);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        assertThat(r.exit()).isEqualTo(-1);
        assertThat(r.describe()).contains("timed out, killed");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofSeconds(5));
        long child = Long.parseLong(Files.readString(pid).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive())
                .orElse(true));
    }

    @Test
    void argumentsAndPathAreNeverShellInterpreted() throws Exception {
        Path args = dir.resolve("args");
        Path marker = dir.resolve("pwned");
        // a directory name that a shell would expand, split and run
        Path odd = dir.resolve("dir with spaces; touch " + marker + " $(touch " + marker + ")").resolve("fence.sh");
        ExecFenceDevice d = device(script(odd, "printf '%s|' \"$#\" \"$@\" > " + args), "5s");

        FenceResult r = d.run(FenceAction.OFF, NodeId.of("node-1.example_a"));

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(Files.readString(args)).isEqualTo("2|off|node-1.example_a|");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aMissingCommandIsReportedNotThrown() throws Exception {
        ExecFenceDevice d = device(dir.resolve("nope.sh"), "5s");

        assertThat(d.problem()).hasValueSatisfying(p -> assertThat(p).contains("does not exist"));
        assertThat(d.describeTarget()).contains("WARNING");
        FenceResult r = d.run(FenceAction.OFF, N1);
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("cannot run");
    }

    @Test
    void theCommandMustBeAnAbsolutePath() {
        assertThatThrownBy(() -> device(Path.of("fence.sh"), "5s"))
                .hasMessageContaining("test1").hasMessageContaining("absolute path");
        Map<String, Object> props = Map.of("type", "exec", "nodes", "node1", "service.pid",
                "org.duplex.failover.fence~x");
        assertThatThrownBy(() -> FenceDeviceTypes.create(FenceDeviceConfig.parse(props)))
                .hasMessageContaining("command is missing");
    }
}
