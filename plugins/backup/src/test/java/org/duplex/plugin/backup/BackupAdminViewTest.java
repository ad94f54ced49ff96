package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.BackupJobInfo;
import org.duplex.api.admin.BackupSnapshot;
import org.duplex.plugin.backup.job.JobRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API's backups against a real restic: what a job list says, a backup and a restore started through the
 * view (run on a worker the test drives, so "started" and "done" are two observable steps), and every refusal
 * naming its field before anything starts.
 */
class BackupAdminViewTest {

    @TempDir
    Path tmp;

    private ResticFixture f;
    private JobRegistry registry;
    private final Deque<Runnable> queued = new ArrayDeque<>();
    private BackupAdminView view;
    private final Map<String, Map<String, String>> configured = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        f = new ResticFixture(tmp);
        Files.writeString(f.data.resolve("conf.txt"), "listen 8080\n");
        configured.put("web", f.params(f.repo.toString()));
        Map<String, String> bad = new LinkedHashMap<>(f.params(f.repo.toString()));
        bad.put("schedule", "every tuesday");
        configured.put("broken", bad);
        registry = new JobRegistry(f.restic, f.clock, "node1", Duration.ofMinutes(5), () -> configured);
        view = new BackupAdminView(() -> registry, queued::add, f.clock);
    }

    @AfterEach
    void close() throws InterruptedException {
        registry.close();
    }

    private void drain() {
        while (!queued.isEmpty()) {
            queued.poll().run();
        }
    }

    private BackupJobInfo web() {
        return view.jobs().stream().filter(j -> j.name().equals("web")).findFirst().orElseThrow();
    }

    @Test
    void listsJobsThenRunsABackupAndRestoresItsSnapshot() throws Exception {
        List<BackupJobInfo> jobs = view.jobs();
        assertThat(jobs).extracting(BackupJobInfo::name).containsExactly("broken", "web");
        assertThat(jobs.get(0).problem()).contains("schedule");
        BackupJobInfo web = jobs.get(1);
        assertThat(web.problem()).isEmpty();
        assertThat(web.activeHere()).isFalse();
        assertThat(web.paths()).containsExactly(f.data.toString());
        assertThat(web.repository()).isEqualTo(f.repo.toString());
        assertThat(web.schedule()).isEqualTo("0 * * * *");
        assertThat(web.lastRun()).isNull();

        assertThat(view.run("web")).isEqualTo("backup of web started on node1 (the job list shows it running, then "
                + "its outcome)");
        assertThatThrownBy(() -> view.run("web")).as("one at a time").isInstanceOfSatisfying(AdminException.class,
                e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.REFUSED));
        drain();
        assertThat(web().lastRun()).isNotNull().satisfies(r -> {
            assertThat(r.succeeded()).as(r.message()).isTrue();
            assertThat(r.trigger()).isEqualTo("manual");
        });

        List<BackupSnapshot> snaps = view.snapshots("web");
        assertThat(snaps).singleElement().satisfies(s -> {
            assertThat(s.slot()).isEqualTo("manual");
            assertThat(s.host()).isEqualTo("node1");
            assertThat(s.paths()).containsExactly(f.data.toString());
        });

        Path target = tmp.resolve("restored");
        assertThat(view.restore("web", snaps.get(0).id(), target.toString(), Duration.ofMinutes(1)))
                .startsWith("restore of snapshot " + snaps.get(0).id() + " into " + target + " started on node1");
        assertThat(web().restoring()).startsWith("snapshot " + snaps.get(0).id());
        drain();
        assertThat(web().restoring()).isEmpty();
        assertThat(web().lastRestore()).startsWith("restored snapshot " + snaps.get(0).id());
        assertThat(Files.readString(target.resolve(f.data.toString().substring(1)).resolve("conf.txt")))
                .isEqualTo("listen 8080\n");
    }

    @Test
    void refusesNamingTheFieldBeforeStartingAnything() throws Exception {
        assertThatThrownBy(() -> view.run("nope")).isInstanceOfSatisfying(AdminException.class, e -> {
            assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
            assertThat(e.field()).isEqualTo("job");
            assertThat(e.getMessage()).isEqualTo("no backup job 'nope' (jobs: broken, web)");
        });
        assertThatThrownBy(() -> view.run("broken")).isInstanceOfSatisfying(AdminException.class, e -> {
            assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID);
            assertThat(e.field()).isEqualTo("job");
        });
        assertThatThrownBy(() -> view.restore("web", "latest", "relative/dir", Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(AdminException.class, e -> {
                    assertThat(e.field()).isEqualTo("target");
                    assertThat(e.getMessage()).isEqualTo("target 'relative/dir' must be an absolute path");
                });
        view.run("web");
        drain();
        assertThatThrownBy(() -> view.restore("web", "abcdef12", tmp.resolve("x").toString(), Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(AdminException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("snapshot");
                });
        assertThatThrownBy(() -> view.restoreDatabase("web", "latest", Map.of(), Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.field()).isEqualTo("intoDatabase"));
        assertThat(queued).as("nothing started").isEmpty();
    }
}
