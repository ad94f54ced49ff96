package org.duplex.plugin.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.duplex.api.backup.BackupSource.StreamCommand;
import org.duplex.api.backup.BackupSource.StreamRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mariadb plug-in's backup stream against real MariaDB servers: a dump of a running server (as the
 * {@code app} account, password from a 0600 file) restored into a fresh server and queried; restoring again over
 * changed data brings the dumped state back. The commands run exactly as the backup plug-in runs them.
 */
class MariadbBackupSourceTest {

    @TempDir
    Path tmp;

    private final MariadbBackupSource source = new MariadbBackupSource();

    @BeforeAll
    static void installed() {
        MariaLab.assumeInstalled();
    }

    @Test
    void aDumpOfARunningServerRestoresIntoAFreshServer() throws Exception {
        Path appPw = tmp.resolve("app.pw");
        Files.writeString(appPw, MariaLab.APP_PASSWORD + "\n");
        Files.setPosixFilePermissions(appPw, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> options = Map.of("database-name", "app", "database-user", "app",
                "database-password-file", appPw.toString());
        try (MariaLab a = MariaLab.create(); MariaLab b = MariaLab.create()) {
            a.start();
            try (Connection c = a.session(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders (id INT PRIMARY KEY, amount BIGINT NOT NULL) ENGINE=InnoDB");
                st.execute("INSERT INTO orders SELECT seq, seq * 7 FROM seq_1_to_2000");
            }
            StreamRequest dumpReq = new StreamRequest(a.params(), "dump", options);
            assertThat(source.validate(dumpReq)).isEmpty();
            StreamCommand dump = source.dump(dumpReq);
            assertThat(dump.argv()).noneMatch(x -> x.contains(MariaLab.APP_PASSWORD));
            assertThat(dump.environment()).containsEntry("MYSQL_PWD", MariaLab.APP_PASSWORD);
            Path stream = tmp.resolve("app.sql");
            run(dump, null, stream);

            b.start();
            run(source.restore(new StreamRequest(b.params(), "dump", options)), stream, null);
            assertThat(query(b, "SELECT count(*) * 1000000000 + sum(amount) FROM orders")).isEqualTo(2000L * 1_000_000_000L
                    + 7L * 2000 * 2001 / 2);
            try (Connection c = b.session(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM orders WHERE id > 5");
                st.execute("CREATE TABLE later (x INT)");
            }
            run(source.restore(new StreamRequest(b.params(), "dump", options)), stream, null);
            assertThat(query(b, "SELECT count(*) FROM orders")).isEqualTo(2000L);
            assertThat(query(b, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'app'"))
                    .as("--add-drop-database: the database is as it was dumped").isEqualTo(1L);
        }
    }

    @Test
    void badRequestsNameTheOption() throws IOException {
        Map<String, String> params = Map.of("data-dir", "/srv/mdb");
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of())))
                .anyMatch(p -> p.startsWith("database-name: required"));
        assertThat(source.validate(new StreamRequest(params, "basebackup", Map.of("database-name", "app"))))
                .anyMatch(p -> p.startsWith("database-mode: 'basebackup' is not one of [dump]"));
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of("database-name", "a b"))))
                .anyMatch(p -> p.startsWith("database-name: 'a b' is not a MariaDB database name"));
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "x\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-rw----"));
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of("database-name", "app",
                "database-user", "app", "database-password-file", pw.toString()))))
                .anyMatch(p -> p.startsWith("database-password-file: password-file " + pw) && p.contains("chmod 600"));
    }

    private static long query(MariaLab lab, String sql) throws Exception {
        try (Connection c = lab.session(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(StreamCommand c, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(c.argv()).directory(new File("/"));
        pb.environment().putAll(c.environment());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Path err = Files.createTempFile("mdbstream", ".err");
        pb.redirectError(err.toFile());
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(c + ": no end within 120 s");
        }
        String e = Files.readString(err);
        Files.delete(err);
        if (p.exitValue() != 0) {
            throw new IOException(c + " exit " + p.exitValue() + ": " + e);
        }
    }
}
