package org.duplex.plugin.os.readonly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.testing.LoopFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadonlyCheckTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final ReadonlyCheck check = new ReadonlyCheck();

    @TempDir
    Path dir;

    @Test
    void aRealFilesystemRemountedReadOnlyFails() throws Exception {
        try (LoopFs fs = LoopFs.ext4(dir, 4, 64)) {
            Path mnt = fs.mountPoint();
            Path app = Files.createDirectories(mnt.resolve("app"));
            Map<String, String> params = Map.of("path", app.toString(), "probe-dir", app.toString());
            HealthStatus rw = check.check(params, T);
            assertThat(rw.health()).as(rw.reason()).isEqualTo(Health.HEALTHY);
            assertThat(rw.reason()).startsWith("filesystem " + mnt + " (ext4 on /dev/loop")
                    .endsWith(") is mounted read-write, write probe in " + app + " ok");
            try (var left = Files.list(app)) {
                assertThat(left).as("the probe file is removed").isEmpty();
            }

            fs.remount("ro");
            HealthStatus ro = check.check(params, T);
            assertThat(ro.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(ro.reason()).startsWith("filesystem " + mnt + " (ext4 on /dev/loop")
                    .endsWith(") is mounted read-only");

            fs.remount("rw");
            assertThat(check.check(params, T).health()).isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void aWriteProbeThatCannotWriteFails() throws Exception {
        Path gone = dir.resolve("no-such-dir");
        HealthStatus s = check.check(Map.of("path", dir.toString(), "probe-dir", gone.toString()), T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).contains("is mounted read-write but the write probe failed: ")
                .contains(gone.toString());

        HealthStatus ok = check.check(Map.of("path", dir.toString(), "probe-dir", dir.toString()), T);
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theMountTableDecides() throws Exception {
        Path table = dir.resolve("mounts");
        Files.writeString(table, "/dev/vda / ext4 rw 0 0\n/dev/sdz1 " + dir + " xfs ro,noatime 0 0\n");
        HealthStatus s = new ReadonlyCheck(table).check(Map.of("path", dir.toString()), T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("filesystem " + dir + " (xfs on /dev/sdz1) is mounted read-only");
        Files.writeString(table, "/dev/sdz1 /elsewhere xfs ro 0 0\n");
        assertThat(new ReadonlyCheck(table).check(Map.of("path", dir.toString()), T).health())
                .isEqualTo(Health.UNKNOWN);
    }

    @Test
    void badParametersAndMissingPaths() throws Exception {
        assertThat(check.validate(Map.of("probe-dir", "tmp", "probe", "yes"))).containsExactly(
                "probe: unknown parameter (readonly takes path, probe-dir)",
                "path: required (a file or directory on the filesystem to watch, for example path=/srv/data)",
                "probe-dir: 'tmp' is not an absolute path (a directory the check may write a small file in)");
        HealthStatus s = check.check(Map.of("path", dir.resolve("nope").toString()), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).isEqualTo("cannot check " + dir.resolve("nope") + ": no such file or directory");
    }
}
