package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.process.ProcessAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process agent with real child processes: daemons, an OCF script, watched workers, a TERM-deaf process. */
class ProcessAgentTest {

    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ProcessAgent agent = new ProcessAgent(CommandRunner.direct(), Path.of("/tmp"));
    private Resource last;

    @AfterEach
    void cleanup() throws Exception {
        if (last != null) {
            agent.kill(last, T);
        }
    }

    private Resource res(String id, String... kv) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        last = new Resource(ResourceId.of(id), "process", p, OperationTimeouts.DEFAULTS, Duration.ofSeconds(2));
        return last;
    }

    @Test
    void daemonWithPidFileStartsIsMonitoredAndStops() throws Exception {
        Path pid = dir.resolve("d.pid");
        Resource r = res("daemon", "command", "sleep 3301", "pidfile", pid.toString());
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        long p = Long.parseLong(Files.readString(pid).trim());
        assertThat(ProcessHandle.of(p)).hasValueSatisfying(h -> assertThat(h.info().commandLine().orElse(""))
                .contains("sleep 3301"));
        assertThat(agent.start(r, T).reason()).contains("already running");

        ProcessHandle.of(p).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.monitor(r, T).status() == OcfStatus.NOT_RUNNING);

        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop(r, T).isSuccess()).as("stop is idempotent").isTrue();
    }

    @Test
    void aProcessThatIgnoresTermFailsTheStopAndIsKilled() throws Exception {
        Path pid = dir.resolve("deaf.pid");
        Path trapped = dir.resolve("trapped");
        Resource r = res("deaf", "command", "sh -c 'trap \"\" TERM; touch " + trapped
                + "; while :; do sleep 0.2; done'", "pidfile", pid.toString(), "stop-grace", "1");
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(trapped)); // TERM is ignored from here
        OperationResult stop = agent.stop(r, T);
        assertThat(stop.isSuccess()).as(stop.reason()).isFalse();
        assertThat(stop.reason()).contains("still running after stop");
        OperationResult kill = agent.kill(r, T);
        assertThat(kill.isSuccess()).as(kill.reason()).isTrue();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void oneResourceWatchesSeveralProcesses() throws Exception {
        Path pid = dir.resolve("multi.pid");
        Resource r = res("multi", "command", "sh -c 'sleep 3401 & sleep 3402 & wait'", "pidfile", pid.toString(),
                "watch", "^sleep 3401$;^sleep 3402$");
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        ProcessHandle worker = ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").endsWith("sleep 3402")).findFirst().orElseThrow();
        worker.destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.monitor(r, T).status() == OcfStatus.ERR_GENERIC);
        assertThat(agent.monitor(r, T).reason()).contains("watched process missing").contains("3402");
        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine().orElse("")
                .endsWith("sleep 3401"))).isFalse();
    }

    @Test
    void thirdPartyScriptFollowsTheOcfContract() throws Exception {
        Path state = dir.resolve("state");
        Path script = dir.resolve("app.sh");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "# a third-party application plugged in with the OCF contract",
                "[ -n \"$OCF_RESKEY_greeting\" ] || exit 6",
                "case \"$1\" in",
                "  start) echo \"$OCF_RESKEY_greeting from $OCF_RESOURCE_INSTANCE\" > " + state + "; exit 0;;",
                "  stop) rm -f " + state + "; exit 0;;",
                "  monitor) [ -f " + state + " ] && exit 0; exit 7;;",
                "  *) exit 3;;",
                "esac", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Resource r = res("app", "script", script.toString(), "greeting", "hello");
        assertThat(agent.validate(r, T)).isEmpty();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(Files.readString(state)).isEqualTo("hello from app\n");
        assertThat(agent.monitor(r, T).isSuccess()).isTrue();
        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);

        Resource unconfigured = res("app", "script", script.toString());
        assertThat(agent.monitor(unconfigured, T).status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
    }

    @Test
    void startStopMonitorCommands() throws Exception {
        Path flag = dir.resolve("flag");
        Resource r = res("cmds", "start", "touch " + flag, "stop", "rm -f " + flag,
                "monitor", "test -f " + flag + " || exit 7");
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(Files.exists(flag)).isTrue();
        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void aStartThatDiesAtOnceFails() throws Exception {
        Resource r = res("crash", "command", "sh -c 'exit 3'", "pidfile", dir.resolve("c.pid").toString());
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).isFalse();
        assertThat(started.reason()).contains("exited right after start");
    }

    @Test
    void exactlyOneModeIsRequired() {
        assertThat(agent.validate(res("x", "command", "a", "script", "/b"), T)).singleElement().asString()
                .contains("exactly one of");
        assertThat(agent.validate(res("x", "script", "relative.sh"), T)).anyMatch(p -> p.contains("absolute"));
        assertThat(agent.validate(res("x", "start", "true", "stop", "true"), T)).singleElement().asString()
                .contains("needs monitor=");
    }
}
