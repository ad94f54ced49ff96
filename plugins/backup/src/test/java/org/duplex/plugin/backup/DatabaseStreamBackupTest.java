package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.backup.BackupSource;
import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.DatabaseSources;
import org.duplex.plugin.backup.job.JobSpec;
import org.duplex.plugin.backup.job.RunRecord;
import org.duplex.plugin.backup.restic.ResticException;
import org.duplex.plugin.backup.restic.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database job against the real restic: the source's dump command (here a real process standing for pg_dump:
 * {@code cat} of a file, or one that fails half-way) is piped into {@code restic backup --stdin}, and a snapshot is
 * piped back into the source's restore command. The PostgreSQL source itself is tested against a real server in
 * the postgresql plug-in and end to end in itests.
 */
class DatabaseStreamBackupTest {

    @TempDir
    Path tmp;

    ResticFixture f;
    Path dumpFile;
    Path restored;
    /** What the fake plug-in's dump command is; the test switches it to a failing one. */
    List<String> dumpArgv;

    @BeforeEach
    void setUp() throws IOException {
        f = new ResticFixture(tmp);
        dumpFile = tmp.resolve("db.dump");
        ResticFixture.writeRandom(dumpFile, 2_000_000, 7);
        restored = tmp.resolve("restored.dump");
        dumpArgv = List.of("cat", dumpFile.toString());
    }

    private final class ShellSource implements BackupSource {
        final List<StreamRequest> requests = new ArrayList<>();

        @Override
        public String resourceType() {
            return "exampledb";
        }

        @Override
        public List<String> modes() {
            return List.of("dump");
        }

        @Override
        public List<String> validate(StreamRequest r) {
            return r.resourceParams().containsKey("port") ? List.of() : List.of("port: required");
        }

        @Override
        public StreamCommand dump(StreamRequest r) {
            requests.add(r);
            return new StreamCommand(dumpArgv, Map.of("SECRET", "never-logged"), "exampledb-app.dump",
                    "dump of app at port " + r.resourceParams().get("port"));
        }

        @Override
        public StreamCommand restore(StreamRequest r) {
            requests.add(r);
            Path out = tmp.resolve("restored-" + r.resourceParams().get("port") + ".dump");
            return new StreamCommand(List.of("sh", "-c", "cat > " + out), Map.of(), "exampledb-app.dump",
                    "restore into port " + r.resourceParams().get("port"));
        }
    }

    private BackupJob job(ShellSource source) {
        Map<String, String> p = new HashMap<>(f.params(f.repo.toString()));
        p.remove("paths");
        p.put("database", "db1");
        p.put("database-name", "app");
        DatabaseSources sources = id -> {
            if (!id.equals("db1")) {
                throw new IllegalArgumentException("database " + id + ": no such resource");
            }
            return new DatabaseSources.Resolved(id, "exampledb", Map.of("port", "5432"), source);
        };
        BackupJob j = new BackupJob(JobSpec.parse("dbjob", p).orThrow(), f.restic, f.clock, "node1",
                Duration.ofMinutes(5), sources);
        j.enable();
        return j;
    }

    @Test
    void aDumpIsBackedUpAsOneFileAndRestoredIntoAnotherServerByteForByte() throws Exception {
        ShellSource source = new ShellSource();
        BackupJob job = job(source);
        RunRecord r = job.runNow(p -> { });
        assertThat(r.succeeded()).as(r.message()).isTrue();
        assertThat(r.summary().get().dataAdded()).isGreaterThan(1_900_000);
        assertThat(source.requests.get(0).options()).containsEntry("database-name", "app");
        assertThat(source.requests.get(0).mode()).isEqualTo("dump");

        List<Snapshot> snaps = job.snapshots();
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).paths()).containsExactly("/exampledb-app.dump");

        // a second dump of unchanged data is deduplicated
        RunRecord again = job.runNow(p -> { });
        assertThat(again.succeeded()).as(again.message()).isTrue();
        assertThat(again.summary().get().dataAdded()).isLessThan(100_000);

        String msg = job.restoreDatabase("latest", Map.of("port", "5544"), Duration.ofMinutes(1));
        assertThat(msg).contains("restore into port 5544");
        assertThat(Files.mismatch(dumpFile, tmp.resolve("restored-5544.dump"))).isEqualTo(-1L);
        job.restoreDatabase(snaps.get(0).shortId(), Map.of(), Duration.ofMinutes(1));
        assertThat(Files.mismatch(dumpFile, tmp.resolve("restored-5432.dump"))).isEqualTo(-1L);
    }

    @Test
    void aDumpThatFailsHalfWayIsAFailureAndLeavesNoSnapshot() throws Exception {
        dumpArgv = List.of("sh", "-c", "head -c 300000 " + dumpFile
                + "; echo 'pg_dump: error: query failed: server closed the connection unexpectedly' >&2; exit 1");
        BackupJob job = job(new ShellSource());
        RunRecord r = job.runNow(p -> { });
        assertThat(r.succeeded()).isFalse();
        assertThat(r.message()).contains("dump of app at port 5432 FAILED (exit 1)")
                .contains("server closed the connection unexpectedly").contains("was forgotten")
                .contains("not counted as a success").doesNotContain("never-logged");
        assertThat(job.snapshots()).as("the partial stream must not be offered for a restore").isEmpty();
        assertThat(job.lastSuccess()).isEmpty();
        f.restic.check(new org.duplex.plugin.backup.restic.Repository(f.repo.toString(), f.password),
                Duration.ofMinutes(1));
    }

    @Test
    void badDatabaseJobsAreRefusedNamingWhatIsWrong() throws Exception {
        Map<String, String> p = new HashMap<>(f.params(f.repo.toString()));
        p.put("database", "db1");
        assertThat(JobSpec.parse("j", p).problems()).anyMatch(s -> s.contains("either paths or one database"));
        p.remove("database");
        p.put("database-mode", "dump");
        assertThat(JobSpec.parse("j", p).problems()).anyMatch(s -> s.startsWith("database-mode, database-name: only with"));

        ShellSource source = new ShellSource();
        Map<String, String> q = new HashMap<>(f.params(f.repo.toString()));
        q.remove("paths");
        q.put("database", "nope");
        BackupJob unknown = new BackupJob(JobSpec.parse("x", q).orThrow(), f.restic, f.clock, "node1",
                Duration.ofMinutes(5), id -> {
                    throw new IllegalArgumentException("database " + id + ": no such resource in the cluster configuration");
                });
        RunRecord r = unknown.runNow(x -> { });
        assertThat(r.succeeded()).isFalse();
        assertThat(r.message()).contains("database nope: no such resource");

        BackupJob paths = f.job("files", "node1", f.params(f.repo.toString()));
        assertThatThrownBy(() -> paths.restoreDatabase("latest", Map.of(), Duration.ofMinutes(1)))
                .isInstanceOf(ResticException.class).hasMessageContaining("backs up paths, not a database");

        BackupJob db = job(source);
        assertThatThrownBy(() -> db.restoreDatabase("latest", Map.of("bin-dir", "/tmp/evil"), Duration.ofMinutes(1)))
                .isInstanceOf(ResticException.class).hasMessageContaining("--set bin-dir: not allowed");
        assertThatThrownBy(() -> db.restoreDatabase("deadbeef", Map.of(), Duration.ofMinutes(1)))
                .isInstanceOf(ResticException.class).hasMessageContaining("no snapshot 'deadbeef' of job dbjob");
    }
}
