package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote site: a real OpenSSH server in its own network namespace (veth pair), reached over SFTP with a key
 * generated for the test. Needs root (namespaces) and openssh-server; skips loudly otherwise.
 */
class SftpRemoteTest {

    @TempDir
    Path tmp;

    private final String ns = "dxbk" + ProcessHandle.current().pid() % 100000;
    private final String hostIf = "dxbh" + ProcessHandle.current().pid() % 100000;
    private final String addr = "10.251." + (ProcessHandle.current().pid() % 200 + 20) + ".2";
    private Process sshd;
    private ResticFixture f;
    private String sftpCommand;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: the SFTP remote-site tests need a network namespace and are SKIPPED");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")),
                "openssh-server is not installed (scripts/install-deps.sh installs it): SFTP tests SKIPPED");
        f = new ResticFixture(tmp);
        ResticFixture.writeRandom(f.data.resolve("db/base.bin"), 2_000_000, 7);
        String net = addr.substring(0, addr.lastIndexOf('.'));
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "addr", "add", net + ".1/24", "dev", hostIf);
        sh("ip", "link", "set", hostIf, "up");
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", addr + "/24", "dev", "eth0");
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve("hostkey").toString());
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve("client").toString());
        Files.copy(tmp.resolve("client.pub"), tmp.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        Files.writeString(tmp.resolve("sshd_config"), String.join("\n",
                "Port 2222", "ListenAddress " + addr, "HostKey " + tmp.resolve("hostkey"),
                "AuthorizedKeysFile " + tmp.resolve("authorized_keys"), "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                "PidFile " + tmp.resolve("sshd.pid"), "Subsystem sftp internal-sftp", ""));
        startSshd();
        sftpCommand = "ssh -i " + tmp.resolve("client") + " -p 2222 -o StrictHostKeyChecking=no"
                + " -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=5 -o ServerAliveInterval=2"
                + " -o ServerAliveCountMax=2 -o LogLevel=ERROR root@" + addr + " -s sftp";
    }

    private void startSshd() throws Exception {
        sshd = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f",
                tmp.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("sshd.log").toFile()))
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(addr, 2222), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Kills every process in the namespace: the listening sshd and the session serving restic. */
    private void killSite() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "pids", ns).redirectErrorStream(true).start();
        String pids = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(5, TimeUnit.SECONDS);
        for (String pid : pids.split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (sshd != null) {
            sshd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (f == null) {
            return;
        }
        killSite();
        run("ip", "link", "del", hostIf);
        run("ip", "netns", "del", ns);
    }

    private Map<String, String> params() {
        Map<String, String> p = f.params("sftp:root@" + addr + ":" + tmp.resolve("remote-repo"));
        p.put("sftp-command", sftpCommand);
        return p;
    }

    @Test
    void backupToTheRemoteSiteDeduplicatesAndRestores() throws Exception {
        BackupJob job = f.job("web", "node1", params());
        RunRecord first = job.runNow(x -> { });
        assertThat(first.succeeded()).as(first.message()).isTrue();
        RunRecord second = job.runNow(x -> { });
        assertThat(second.succeeded()).as(second.message()).isTrue();
        assertThat(second.summary().get().dataAdded()).isLessThan(first.summary().get().dataAdded() / 10);
        Path target = tmp.resolve("restore");
        job.restore("latest", target, Duration.ofMinutes(1));
        BackupJobResticTest.assertSameTree(f.data, target.resolve(f.data.toString().substring(1)));
        assertNoSshLeft();
    }

    @Test
    void sshdKilledDuringABackupIsAClearFailureThenARetrySucceedsAndCheckIsClean() throws Exception {
        BackupJob job = f.job("web", "node1", params());
        assertThat(job.runNow(x -> { }).succeeded()).isTrue();
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 16_000_000, 8);
        Map<String, String> slow = params();
        slow.put("limit-upload", "1024");
        BackupJob slowJob = f.job("web", "node1", slow);
        CompletableFuture<RunRecord> run = CompletableFuture.supplyAsync(() -> {
            try {
                return slowJob.runNow(x -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> slowJob.progress().map(x -> x.bytesDone() > 0).orElse(false));
        killSite();
        RunRecord failed = run.get(60, TimeUnit.SECONDS);
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.message()).startsWith("FAILED: restic backup on sftp:root@" + addr);
        assertThat(failed.message()).contains("repository unreachable over sftp");
        assertNoSshLeft();

        startSshd();
        assertThat(slowJob.snapshots().size()).as("no snapshot from the failed run").isEqualTo(1);
        RunRecord retry = slowJob.runNow(x -> { });
        assertThat(retry.succeeded()).as(retry.message()).isTrue();
        assertThat(slowJob.snapshots()).hasSize(2);
        slowJob.clearStaleLocks();
        f.restic.check(slowJob.spec().repository(), Duration.ofMinutes(2));
    }

    private void assertNoSshLeft() {
        assertThat(ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(tmp.resolve("client").toString())))
                .as("ssh clients left").isEmpty();
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void run(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor(20, TimeUnit.SECONDS);
    }
}
