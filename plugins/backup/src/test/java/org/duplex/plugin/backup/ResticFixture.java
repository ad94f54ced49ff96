package org.duplex.plugin.backup;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.JobSpec;
import org.duplex.plugin.backup.restic.Restic;

/** A real restic, a temporary repository and data, a clock the test moves. */
public final class ResticFixture {

    public final Path dir;
    public final Path data;
    public final Path repo;
    public final Path password;
    public final Restic restic;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T02:00:10Z"));

    public ResticFixture(Path dir) throws IOException {
        assumeTrue(resticInstalled(), "restic is not installed (Debian package restic; scripts/install-deps.sh "
                + "installs it): the tests against the real restic are SKIPPED");
        this.dir = dir;
        data = Files.createDirectories(dir.resolve("data"));
        repo = dir.resolve("repo");
        password = writePassword(dir.resolve("password"), "correct horse battery staple");
        restic = new Restic("restic", dir.resolve("cache"), Duration.ofSeconds(5));
    }

    public static boolean resticInstalled() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, "restic"))) {
                return true;
            }
        }
        return false;
    }

    public static Path writePassword(Path file, String pw) throws IOException {
        Files.writeString(file, pw + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    public static void writeRandom(Path file, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        Files.createDirectories(file.getParent());
        Files.write(file, b);
    }

    public Map<String, String> params(String repository) {
        Map<String, String> p = new HashMap<>();
        p.put("paths", data.toString());
        p.put("repository", repository);
        p.put("password-file", password.toString());
        p.put("schedule", "0 * * * *");
        p.put("init", "true");
        p.put("backup-timeout", "2m");
        return p;
    }

    public JobSpec spec(String name, Map<String, String> params) {
        return JobSpec.parse(name, params).orThrow();
    }

    public BackupJob job(String name, String host, Map<String, String> params) {
        BackupJob j = new BackupJob(spec(name, params), restic, clock, host, Duration.ofMinutes(5));
        j.enable();
        return j;
    }

    /** A clock the test sets: the slot logic never looks at the wall clock. */
    public static final class MutableClock extends Clock {
        private volatile Instant now;

        public MutableClock(Instant now) {
            this.now = now;
        }

        public void set(Instant t) {
            now = t;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
