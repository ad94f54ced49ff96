package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.JobRegistry;
import org.duplex.plugin.backup.job.RunRecord;
import org.duplex.plugin.backup.restic.LockInfo;
import org.duplex.plugin.backup.restic.Repository;
import org.duplex.plugin.backup.restic.ResticException;
import org.duplex.plugin.backup.restic.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup jobs against the real restic and a local repository. */
class BackupJobResticTest {

    @TempDir
    Path tmp;

    ResticFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new ResticFixture(tmp);
        ResticFixture.writeRandom(f.data.resolve("db/base.bin"), 3_000_000, 1);
        Files.writeString(f.data.resolve("conf.txt"), "listen 8080\n");
    }

    @Test
    void backupThenDeduplicatedSecondBackupThenRestoreByteForByte() throws Exception {
        BackupJob job = f.job("web", "node1", f.params(f.repo.toString()));
        RunRecord first = job.runNow(p -> { });
        assertThat(first.succeeded()).as(first.message()).isTrue();
        assertThat(first.summary().get().dataAdded()).isGreaterThan(2_900_000);

        Files.writeString(f.data.resolve("conf.txt"), "listen 8081\n");
        RunRecord second = job.runNow(p -> { });
        assertThat(second.succeeded()).as(second.message()).isTrue();
        // unchanged 3 MB file deduplicated: only a changed small file and trees are added
        assertThat(second.summary().get().dataAdded()).isLessThan(50_000);
        assertThat(second.summary().get().filesChanged()).isEqualTo(1);
        assertThat(second.message()).contains("added");

        List<Snapshot> snaps = job.snapshots();
        assertThat(snaps).hasSize(2).allMatch(s -> s.tags().contains("job=web") && s.tags().contains("manual"));
        Path target = tmp.resolve("restore");
        job.restore(snaps.get(1).id(), target, Duration.ofMinutes(1));
        assertSameTree(f.data, target.resolve(f.data.toString().substring(1)));
    }

    @Test
    void retentionKeepsTheNewestSnapshotsAndPrunesTheRest() throws Exception {
        Map<String, String> p = f.params(f.repo.toString());
        p.put("keep-last", "2");
        BackupJob job = f.job("web", "node1", p);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Files.writeString(f.data.resolve("conf.txt"), "listen " + (8080 + i) + "\n");
            RunRecord r = job.runNow(x -> { });
            assertThat(r.succeeded()).as(r.message()).isTrue();
            assertThat(r.message()).doesNotContain("retention").doesNotContain("FAILED");
            ids.add(r.summary().get().snapshotId());
        }
        assertThat(job.snapshots()).extracting(Snapshot::shortId).containsExactly(ids.get(1), ids.get(2));
        f.restic.check(job.spec().repository(), Duration.ofMinutes(1));
    }

    @Test
    void enablingAnUnchangedJobAgainKeepsItAndItsRunningBackup() throws Exception {
        Map<String, String> p = f.params(f.repo.toString());
        p.put("schedule", "0 3 * * *");
        JobRegistry reg = new JobRegistry(f.restic, f.clock, "node1", Duration.ofMinutes(5), Map::of);
        try {
            BackupJob a = reg.enable(f.spec("web", p));
            BackupJob b = reg.enable(f.spec("web", new java.util.HashMap<>(p)));
            assertThat(b).as("the agent's start again (same definition) must not cancel a running backup")
                    .isSameAs(a);
            p.put("schedule", "0 4 * * *");
            assertThat(reg.enable(f.spec("web", p))).as("a changed definition replaces the job").isNotSameAs(a);
        } finally {
            reg.close();
        }
    }

    @Test
    void exactlyOncePerSlotAcrossTwoNodesSharingTheRepository() throws Exception {
        Map<String, String> p = f.params(f.repo.toString());
        BackupJob node1 = f.job("web", "node1", p);
        f.clock.set(Instant.parse("2026-12-06T02:00:10Z"));
        BackupJob.Tick t1 = node1.tick();
        assertThat(t1.what()).startsWith("slot 20261206T0200Z: snapshot");
        assertThat(t1.next()).isEqualTo("2026-12-06T03:00:00Z");

        // failover: node2 enables the same job at 02:20 and reads the repository: the 02:00 slot is done
        BackupJob node2 = f.job("web", "node2", p);
        f.clock.set(Instant.parse("2026-12-06T02:20:00Z"));
        assertThat(node2.tick().what()).isEqualTo("slot 20261206T0200Z done already");
        assertThat(node2.lastSuccess()).isPresent();

        f.clock.set(Instant.parse("2026-12-06T03:00:05Z"));
        assertThat(node2.tick().what()).startsWith("slot 20261206T0300Z: snapshot");
        assertThat(node2.tick().what()).isEqualTo("slot 20261206T0300Z done already");

        List<Snapshot> snaps = node2.snapshots();
        assertThat(snaps).extracting(s -> s.tag("slot").orElse("") + "@" + s.hostname())
                .containsExactly("20261206T0200Z@node1", "20261206T0300Z@node2");
    }

    @Test
    void aSlotMissedDuringAFailoverIsCaughtUpOnceOnTheNewNode() throws Exception {
        Map<String, String> p = f.params(f.repo.toString());
        BackupJob node2 = f.job("web", "node2", p);
        f.clock.set(Instant.parse("2026-12-06T02:35:00Z"));
        assertThat(node2.tick().what()).startsWith("slot 20261206T0200Z (catch-up): snapshot");
        assertThat(node2.tick().what()).isEqualTo("slot 20261206T0200Z done already");
    }

    @Test
    void stalenessIsReportedWithItsReason() throws Exception {
        Map<String, String> p = f.params(f.repo.toString());
        p.put("max-age", "1h");
        BackupJob job = f.job("web", "node1", p);
        assertThat(job.staleness()).hasValueSatisfying(s -> assertThat(s).startsWith("STALE: no successful backup"));
        job.tick();
        assertThat(job.staleness()).isEmpty();
        f.clock.set(Instant.parse("2026-12-06T05:00:00Z"));
        assertThat(job.staleness()).hasValueSatisfying(s -> assertThat(s)
                .isEqualTo("STALE: last successful backup of web 2 h 59 min ago (on node1), limit max-age 60 min"));
        assertThat(job.describe()).contains("STALE");
    }

    @Test
    void wrongPasswordIsAClearError() throws Exception {
        BackupJob job = f.job("web", "node1", f.params(f.repo.toString()));
        assertThat(job.runNow(p -> { }).succeeded()).isTrue();
        ResticFixture.writePassword(f.password, "not the password");
        RunRecord r = job.runNow(p -> { });
        assertThat(r.succeeded()).isFalse();
        assertThat(r.message()).contains("wrong repository password (password-file " + f.password + ")")
                .doesNotContain("not the password");
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedBeforeResticRuns() throws Exception {
        Files.setPosixFilePermissions(f.password, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> f.restic.snapshots(new Repository(f.repo.toString(), f.password), List.of(),
                Duration.ofSeconds(30)))
                .isInstanceOf(ResticException.class)
                .hasMessage("password-file " + f.password + ": mode is rw-r--r--, refused: it must be readable by its "
                        + "owner only (chmod 600 " + f.password + ")");
    }

    @Test
    void missingOrUnreachableRepositoryIsAClearErrorAndNoSuccess() throws Exception {
        Map<String, String> p = f.params(tmp.resolve("nothing-here").toString());
        p.put("init", "false");
        RunRecord r = f.job("web", "node1", p).runNow(x -> { });
        assertThat(r.succeeded()).isFalse();
        assertThat(r.message()).contains("no restic repository at " + tmp.resolve("nothing-here"));

        Map<String, String> q = f.params("sftp:nobody@127.0.0.1:/nowhere");
        q.put("init", "false");
        q.put("sftp-command", "ssh -p 1 -o BatchMode=yes -o ConnectTimeout=3 nobody@127.0.0.1 -s sftp");
        RunRecord u = f.job("web", "node1", q).runNow(x -> { });
        assertThat(u.succeeded()).isFalse();
        assertThat(u.message()).contains("FAILED").contains("sftp:nobody@127.0.0.1:/nowhere");
    }

    @Test
    void unknownJobIsNamed() {
        JobRegistry reg = new JobRegistry(f.restic, f.clock, "node1", Duration.ofMinutes(5), Map::of);
        assertThatThrownBy(() -> reg.job("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown backup job 'nope': no resource of type backup with that name "
                        + "(ha:backup-list shows them)");
    }

    @Test
    void aSlotThatFindsAManualRunUnderWayRunsRightAfterItInsteadOfWaitingForTheRetry() throws Exception {
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 12_000_000, 3);
        Map<String, String> p = f.params(f.repo.toString());
        p.put("limit-upload", "2048"); // ~6 s
        BackupJob job = f.job("web", "node1", p);
        CompletableFuture<RunRecord> manual = CompletableFuture.supplyAsync(() -> {
            try {
                return job.runNow(x -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> job.progress().map(x -> x.bytesDone() > 0).orElse(false));
        f.clock.set(Instant.parse("2026-12-06T02:00:10Z"));
        BackupJob.Tick busy = job.tick();
        assertThat(busy.what()).startsWith("slot 20261206T0200Z: waiting for the running backup (manual since");
        assertThat(busy.next()).isEqualTo("2026-12-06T02:00:15Z");
        assertThat(manual.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
        f.clock.set(busy.next());
        assertThat(job.tick().what()).startsWith("slot 20261206T0200Z: snapshot");
        assertThat(job.snapshots()).extracting(s -> s.tag("slot").orElse("manual"))
                .containsExactly("manual", "20261206T0200Z");
    }

    @Test
    void disablingCancelsARunningBackupCleanly() throws Exception {
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 2);
        Map<String, String> p = f.params(f.repo.toString());
        p.put("limit-upload", "2048"); // ~12 s: long enough to be cancelled mid-way
        BackupJob job = f.job("web", "node1", p);
        CompletableFuture<RunRecord> run = CompletableFuture.supplyAsync(() -> {
            try {
                return job.runNow(x -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> job.progress().map(x -> x.bytesDone() > 0).orElse(false));
        long t0 = System.nanoTime();
        assertThat(job.disable(Duration.ofSeconds(20))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        RunRecord r = run.get();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.message()).contains("cancelled");
        assertNoResticOf(f.repo);
        assertThat(job.snapshots()).isEmpty();
        assertThat(f.restic.locks(job.spec().repository(), Duration.ofSeconds(30))).isEmpty();
        f.restic.check(job.spec().repository(), Duration.ofMinutes(1));
    }

    /**
     * A restic on another host (a UTS namespace named {@code othernode}) killed during a backup leaves a lock that
     * restic's own rule keeps for 30 minutes. It stays while the cluster does not know that node dead, and goes at
     * once when the cluster sees it DEAD and out of the view.
     */
    @Test
    void aLockOfANodeTheClusterSeesDeadIsRemovedAtOnceOtherwiseLeft() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: a restic on 'another host' (unshare --uts) needs root; CI runs as root");
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 5);
        BackupJob job = f.job("web", "node1", f.params(f.repo.toString()));
        assertThat(job.runNow(x -> { }).succeeded()).isTrue();
        Repository repo = job.spec().repository();
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 6);
        ProcessBuilder pb = new ProcessBuilder("unshare", "--uts", "sh", "-c", "hostname othernode && exec restic "
                + "--repo " + f.repo + " --limit-upload 1024 --cache-dir " + tmp.resolve("cache2") + " backup " + f.data);
        pb.environment().put("RESTIC_PASSWORD_FILE", f.password.toString());
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("other.log").toFile());
        Process other = pb.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !f.restic.locks(repo, Duration.ofSeconds(30)).isEmpty());
            other.destroyForcibly().waitFor();
            assertThat(f.restic.locks(repo, Duration.ofSeconds(30))).singleElement()
                    .satisfies(l -> assertThat(l.hostname()).isEqualTo("othernode"));

            job.deadHosts(h -> false); // the cluster does not know othernode dead (partitioned, or no cluster)
            assertThat(job.clearStaleLocks()).isEmpty();
            assertThat(f.restic.locks(repo, Duration.ofSeconds(30))).hasSize(1);

            job.deadHosts("othernode"::equals);
            assertThat(job.clearStaleLocks()).singleElement()
                    .satisfies(l -> assertThat(l.hostname()).isEqualTo("othernode"));
            assertThat(f.restic.locks(repo, Duration.ofSeconds(30))).isEmpty();
            f.restic.check(repo, Duration.ofMinutes(1));
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aLockLeftByAKilledResticIsDetectedAndCleared() throws Exception {
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 3);
        BackupJob job = f.job("web", "node1", f.params(f.repo.toString()));
        assertThat(job.runNow(x -> { }).succeeded()).isTrue(); // creates the repository
        Repository repo = job.spec().repository();
        Files.writeString(f.data.resolve("conf.txt"), "changed\n");
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 4);
        ProcessBuilder pb = new ProcessBuilder("restic", "--repo", f.repo.toString(), "--limit-upload", "1024",
                "--cache-dir", tmp.resolve("cache").toString(), "backup", f.data.toString());
        pb.environment().put("RESTIC_PASSWORD_FILE", f.password.toString());
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile());
        Process killed = pb.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !f.restic.locks(repo, Duration.ofSeconds(30)).isEmpty());
            killed.destroyForcibly().waitFor(); // SIGKILL: restic cannot remove its lock
            List<LockInfo> locks = f.restic.locks(repo, Duration.ofSeconds(30));
            assertThat(locks).singleElement().satisfies(l -> {
                assertThat(l.pid()).isEqualTo(killed.pid());
                assertThat(l.exclusive()).isFalse();
            });
            List<LockInfo> removed = job.clearStaleLocks();
            assertThat(removed).extracting(LockInfo::pid).containsExactly(killed.pid());
            assertThat(f.restic.locks(repo, Duration.ofSeconds(30))).isEmpty();
            f.restic.check(repo, Duration.ofMinutes(1));
            assertThat(job.runNow(x -> { }).succeeded()).isTrue();
        } finally {
            killed.destroyForcibly();
        }
    }

    @Test
    void aLiveBackupsLockIsLeftAlone() throws Exception {
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 16_000_000, 5);
        Map<String, String> p = f.params(f.repo.toString());
        p.put("limit-upload", "1024");
        BackupJob job = f.job("web", "node1", p);
        f.restic.init(job.spec().repository(), Duration.ofSeconds(30));
        CompletableFuture<RunRecord> run = CompletableFuture.supplyAsync(() -> {
            try {
                return job.runNow(x -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> job.progress().map(x -> x.bytesDone() > 0).orElse(false));
        BackupJob other = f.job("web", "node1", f.params(f.repo.toString()));
        assertThat(other.clearStaleLocks()).isEmpty();
        assertThat(f.restic.locks(job.spec().repository(), Duration.ofSeconds(30))).hasSize(1);
        job.disable(Duration.ofSeconds(20));
        assertThat(run.get().succeeded()).isFalse();
    }

    /**
     * A switchover while a scheduled slot's backup runs: node1's agent stop cancels it cleanly (no snapshot, no
     * lock), node2's job, enabled after, finds the slot not done and runs it once; a later look changes nothing.
     */
    @Test
    void aSlotCancelledByASwitchoverIsRunOnceOnTheNewNode() throws Exception {
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 8);
        Map<String, String> p = f.params(f.repo.toString());
        p.put("limit-upload", "2048");
        BackupJob first = f.job("web", "node1", p);
        assertThat(first.runNow(x -> { }).succeeded()).isTrue(); // the repository exists; the slot is not done
        ResticFixture.writeRandom(f.data.resolve("db/big.bin"), 24_000_000, 9);
        BackupJob node1 = f.job("web", "node1", p);
        f.clock.set(Instant.parse("2026-12-06T03:00:05Z"));
        CompletableFuture<BackupJob.Tick> tick = CompletableFuture.supplyAsync(() -> {
            try {
                return node1.tick();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> node1.progress().map(x -> x.bytesDone() > 0).orElse(false));
        assertThat(node1.disable(Duration.ofSeconds(20))).as("the agent's stop on node1").isTrue();
        assertThat(tick.get().what()).startsWith("slot 20261206T0300Z: FAILED").contains("cancelled");
        assertThat(f.restic.locks(node1.spec().repository(), Duration.ofSeconds(30))).isEmpty();

        Map<String, String> p2 = new java.util.HashMap<>(p);
        p2.remove("limit-upload");
        BackupJob node2 = f.job("web", "node2", p2);
        f.clock.set(Instant.parse("2026-12-06T03:00:40Z"));
        assertThat(node2.tick().what()).startsWith("slot 20261206T0300Z: snapshot");
        f.clock.set(Instant.parse("2026-12-06T03:01:00Z"));
        assertThat(node2.tick().what()).isEqualTo("slot 20261206T0300Z done already");
        List<Snapshot> slot = node2.snapshots().stream().filter(s -> s.tag("slot").isPresent()).toList();
        assertThat(slot).singleElement().satisfies(s -> assertThat(s.hostname()).isEqualTo("node2"));
        f.restic.check(node2.spec().repository(), Duration.ofMinutes(1));
    }

    static void assertNoResticOf(Path repo) {
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(repo.toString())))
                .as("restic processes left on " + repo).isEmpty();
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(expected)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        assertThat(files).isNotEmpty();
        for (Path e : files) {
            Path a = actual.resolve(expected.relativize(e).toString());
            assertThat(Files.mismatch(e, a)).as("restored " + a + " differs from " + e).isEqualTo(-1L);
        }
    }
}
