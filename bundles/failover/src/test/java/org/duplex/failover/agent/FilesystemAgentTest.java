package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.filesystem.FilesystemAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real mounts as root: a tmpfs whose user is killed on unmount, and a loop-mounted ext4 image. */
class FilesystemAgentTest {

    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FilesystemAgent agent = new FilesystemAgent();
    private Resource mounted;

    @AfterEach
    void cleanup() throws Exception {
        if (mounted != null) {
            agent.stop(mounted, T);
        }
    }

    private Resource fs(String device, Path where, String type, String options) {
        mounted = new Resource(ResourceId.of("data"), "filesystem", Map.of("device", device, "directory",
                where.toString(), "fstype", type, "options", options), OperationTimeouts.DEFAULTS,
                Duration.ofSeconds(5));
        return mounted;
    }

    @Test
    void tmpfsMountsAndUnmountsKillingTheProcessThatHoldsIt() throws Exception {
        NetnsLab.assumeRootWith("mount", "umount", "fuser");
        Path mnt = dir.resolve("mnt");
        Resource r = fs("tmpfs", mnt, "tmpfs", "size=4m,mode=0750");
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        assertThat(agent.monitor(r, T).isSuccess()).isTrue();
        assertThat(agent.start(r, T).isSuccess()).as("idempotent").isTrue();
        Files.writeString(mnt.resolve("file"), "x");

        Process user = new ProcessBuilder("sh", "-c", "cd " + mnt + " && exec sleep 3501").start();
        Path cwd = Path.of("/proc", Long.toString(user.pid()), "cwd");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.readSymbolicLink(cwd).equals(mnt)); // it holds the mount from here

        OperationResult stopped = agent.stop(r, T);
        assertThat(stopped.isSuccess()).as(stopped.reason()).isTrue();
        assertThat(stopped.reason()).contains("after killing its users");
        assertThat(user.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop(r, T).isSuccess()).as("idempotent").isTrue();
    }

    @Test
    void loopMountedExt4Image() throws Exception {
        NetnsLab.assumeRootWith("mount", "mkfs.ext4");
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "SKIPPED LOUDLY: no loop device support here");
        Path img = dir.resolve("disk.img");
        try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(16L * 1024 * 1024);
        }
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", img.toString()).inheritIO().start();
        assertThat(mkfs.waitFor(30, TimeUnit.SECONDS) && mkfs.exitValue() == 0).isTrue();
        Path mnt = dir.resolve("ext4");
        Resource r = fs(img.toString(), mnt, "ext4", "loop,noatime");
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        OperationResult mon = agent.monitor(r, T);
        assertThat(mon.isSuccess()).as(mon.reason()).isTrue();
        Files.writeString(mnt.resolve("kept"), "survives the move");
        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(Files.readString(mnt.resolve("kept"))).isEqualTo("survives the move");
    }

    @Test
    void somethingElseMountedThereIsAnError() throws Exception {
        NetnsLab.assumeRootWith("mount");
        Path mnt = dir.resolve("other");
        Resource mine = fs("tmpfs", mnt, "tmpfs", "size=1m");
        assertThat(agent.start(mine, T).isSuccess()).isTrue();
        Resource expectsDisk = new Resource(ResourceId.of("disk"), "filesystem", Map.of("device", "/dev/sdz9",
                "directory", mnt.toString(), "fstype", "ext4"), OperationTimeouts.DEFAULTS, Duration.ofSeconds(5));
        assertThat(agent.monitor(expectsDisk, T).status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(agent.validate(fs("tmpfs", Path.of("/"), "tmpfs", "a b"), T)).hasSize(2);
        mounted = mine;
    }
}
