package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.RunRecord;
import org.duplex.plugin.backup.restic.ResticException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the periodic repository check ({@code backup-check} monitor) and a full target disk do, against the real
 * restic: a damaged pack file is found and named; a repository on a nearly full filesystem (a 3 MiB tmpfs) makes
 * the backup fail with the reason, and nothing half-written counts as a success.
 */
class RepositoryHealthTest {

    @TempDir
    Path tmp;

    ResticFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new ResticFixture(tmp);
        ResticFixture.writeRandom(f.data.resolve("db/base.bin"), 6_000_000, 3);
    }

    @Test
    void theCheckFindsADamagedPackFile() throws Exception {
        BackupJob job = f.job("web", "node1", f.params(f.repo.toString()));
        RunRecord r = job.runNow(p -> { });
        assertThat(r.succeeded()).as(r.message()).isTrue();
        assertThat(job.checkRepository(Optional.empty(), Duration.ofMinutes(1))).contains("checked, no errors");
        assertThat(job.describe()).contains("checked, no errors");

        Path pack;
        try (Stream<Path> s = Files.walk(f.repo.resolve("data"))) {
            pack = s.filter(Files::isRegularFile).max((a, b) -> Long.compare(a.toFile().length(),
                    b.toFile().length())).orElseThrow();
        }
        byte[] b = Files.readAllBytes(pack);
        for (int i = 1000; i < 1100; i++) {
            b[i] ^= 0x5a;
        }
        pack.toFile().setWritable(true);
        Files.write(pack, b);
        assertThatThrownBy(() -> job.checkRepository(Optional.of("100%"), Duration.ofMinutes(1)))
                .isInstanceOf(ResticException.class)
                .hasMessageContaining("restic check on " + f.repo + " failed")
                .hasMessageContaining(pack.getFileName().toString().substring(0, 8));
        assertThat(job.describe()).contains("repository check FAILED");
    }

    @Test
    void aFullTargetDiskFailsTheBackupWithTheReasonAndCountsNothing() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "SKIPPED LOUDLY: mounting a small tmpfs to fill "
                + "up needs root (CI runs as root)");
        Path small = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString()) == 0,
                "SKIPPED LOUDLY: mount -t tmpfs failed here");
        try {
            Map<String, String> p = f.params(small.resolve("repo").toString());
            BackupJob job = f.job("web", "node1", p);
            RunRecord r = job.runNow(x -> { });
            assertThat(r.succeeded()).isFalse();
            assertThat(r.message()).startsWith("FAILED: restic backup on " + small.resolve("repo") + " failed")
                    .containsIgnoringCase("no space left on device");
            assertThat(job.lastSuccess()).isEmpty();
            assertThat(job.snapshots()).as("nothing half-written is a snapshot").isEmpty();
        } finally {
            run("umount", "-l", small.toString());
        }
    }

    private static int run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(argv)).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
