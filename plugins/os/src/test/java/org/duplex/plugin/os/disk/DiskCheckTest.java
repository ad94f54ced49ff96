package org.duplex.plugin.os.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.os.testing.LoopFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCheckTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final DiskCheck check = new DiskCheck();

    @TempDir
    Path dir;

    @Test
    void aRealFilesystemFilledPastTheLimitFailsWithDfsFigure() throws Exception {
        try (LoopFs fs = LoopFs.ext4(dir, 8, 64)) {
            Path mnt = fs.mountPoint();
            Map<String, String> params = Map.of("path", mnt.toString(), "max-used", "80", "min-free", "1MiB");
            HealthStatus empty = check.check(params, T);
            assertThat(empty.health()).as(empty.reason()).isEqualTo(Health.HEALTHY);
            assertThat(empty.reason()).startsWith("disk " + mnt + " ").contains("(limit 80 %)", "(need 1 MiB)",
                    "inodes ");

            fill(mnt.resolve("ballast"), 0.9);
            HealthStatus full = check.check(params, T);
            assertThat(full.health()).isEqualTo(Health.UNHEALTHY);
            int dfPercent = dfUsePercent("-P", mnt);
            assertThat(dfPercent).isGreaterThan(80);
            assertThat(full.reason()).startsWith("disk " + mnt + " " + dfPercent + " % full, limit 80 %; disk "
                    + mnt + " ").endsWith(" free, need 1 MiB");
            assertThat(full.elapsed()).isLessThan(T);

            Files.delete(mnt.resolve("ballast"));
            assertThat(check.check(params, T).health()).isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void aRealFilesystemOutOfInodesFails() throws Exception {
        try (LoopFs fs = LoopFs.ext4(dir, 8, 64)) {
            Path mnt = fs.mountPoint();
            Map<String, String> params = Map.of("path", mnt.toString(), "max-inodes-used", "75");
            assertThat(check.check(params, T).health()).isEqualTo(Health.HEALTHY);
            for (int i = 0; dfUsePercent("-Pi", mnt) <= 75; i++) {
                Files.createFile(mnt.resolve("f" + i));
            }
            HealthStatus s = check.check(params, T);
            assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(s.reason()).isEqualTo("disk " + mnt + " inodes " + dfUsePercent("-Pi", mnt)
                    + " % used, limit 75 %");
            assertThat(check.check(Map.of("path", mnt.toString(), "max-inodes-used", "off"), T).health())
                    .as("inodes unchecked").isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void theTemporaryDirectorysFilesystemAgainstLimitsItMeetsAndMisses() throws Exception {
        HealthStatus ok = check.check(Map.of("path", dir.toString(), "max-used", "100"), T);
        assertThat(ok.health()).as(ok.reason()).isIn(Health.HEALTHY);
        HealthStatus tooSmall = check.check(Map.of("path", dir.toString(), "max-used", "100", "min-free",
                "1000000TiB"), T);
        assertThat(tooSmall.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(tooSmall.reason()).startsWith("disk " + dir + " ").endsWith(" free, need 977 PiB");
    }

    @Test
    void aMissingPathCannotBeChecked() throws Exception {
        HealthStatus s = check.check(Map.of("path", dir.resolve("nope").toString()), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).isEqualTo("disk " + dir.resolve("nope") + ": cannot check, no such file or directory");
    }

    @Test
    void everyBadParameterIsNamed() throws Exception {
        assertThat(check.validate(Map.of())).containsExactly(
                "path: required (a file or directory on the filesystem to watch, for example path=/var)");
        assertThat(check.validate(Map.of("path", "var", "max-used", "110", "min-free", "lots",
                "max-inodes-used", "most", "limit", "9"))).containsExactly(
                "limit: unknown parameter (disk takes max-inodes-used, max-used, min-free, path)",
                "path: 'var' is not an absolute path",
                "max-used: '110' is not a percentage (0-100, for example max-used=90)",
                "min-free: 'lots' is not a size (bytes, or with K/KiB, M/MiB, G/GiB, T/TiB: for example "
                        + "min-free=2GiB)",
                "max-inodes-used: 'most' is not a percentage (0-100, for example max-inodes-used=90)");
        assertThat(check.validate(Map.of("path", "/", "max-inodes-used", "off"))).isEmpty();
        HealthStatus s = check.check(Map.of("path", "/", "max-used", "x"), T);
        assertThat(s.health()).isEqualTo(Health.UNKNOWN);
        assertThat(s.reason()).startsWith("invalid parameters: max-used: 'x'");
    }

    /** Writes a file until the filesystem is {@code share} full (of what a user may use). */
    private static void fill(Path file, double share) throws IOException {
        long usable = Files.getFileStore(file.getParent()).getUsableSpace();
        long total = Files.getFileStore(file.getParent()).getTotalSpace();
        long want = (long) (total * share) - (total - usable);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < want; written += block.length) {
                out.write(block);
            }
        }
    }

    /** The Use% (or IUse%) df prints for the mount point. */
    private static int dfUsePercent(String flags, Path mnt) throws Exception {
        String out = LoopFs.run("df", flags, mnt.toString());
        Matcher m = Pattern.compile("(\\d+)%\\s+" + Pattern.quote(mnt.toString())).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
