package org.duplex.plugin.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.duplex.api.backup.BackupSource.StreamCommand;
import org.duplex.api.backup.BackupSource.StreamRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

/**
 * The postgresql plug-in's backup streams against real PostgreSQL 15 servers: a logical dump of a running server
 * restored into a fresh one and queried; a base backup unpacked into an empty data directory, started and queried.
 * The commands run exactly as the backup plug-in runs them (argv and environment as given, stdout/stdin as the
 * stream), with a file standing for the restic repository.
 */
class PgBackupSourceTest {

    @TempDir
    Path tmp;

    private final PgBackupSource source = new PgBackupSource();

    @BeforeAll
    static void installed() {
        PgLab.assumeInstalled();
    }

    @Test
    void aDumpOfARunningServerRestoresIntoAFreshServer() throws Exception {
        try (PgLab a = PgLab.create(); PgLab b = PgLab.create()) {
            a.start();
            fill(a);
            Path stream = tmp.resolve("app.dump");
            StreamRequest dumpReq = new StreamRequest(a.params(), "dump", Map.of("database-name", "app"));
            assertThat(source.validate(dumpReq)).isEmpty();
            StreamCommand dump = source.dump(dumpReq);
            assertThat(dump.fileName()).isEqualTo("postgresql-app.dump");
            assertThat(dump.argv()).doesNotContain(PgLab.PASSWORD);
            run(dump, null, stream);
            assertThat(Files.size(stream)).isGreaterThan(1000);

            b.start();
            run(source.restore(new StreamRequest(b.params(), "dump", Map.of("database-name", "app"))), stream, null);
            assertThat(count(b.port, "app")).isEqualTo(1000);
            assertThat(sum(b.port, "app")).isEqualTo(sum(a.port, "app"));

            // restoring again over the restored database (a restore to that point) replaces it
            try (Connection c = connect(b.port, "app"); Statement st = c.createStatement()) {
                st.execute("DELETE FROM orders WHERE id > 10");
            }
            run(source.restore(new StreamRequest(b.params(), "dump", Map.of("database-name", "app"))), stream, null);
            assertThat(count(b.port, "app")).isEqualTo(1000);
        }
    }

    @Test
    void aBaseBackupUnpacksIntoAnEmptyDataDirectoryThatStarts() throws Exception {
        try (PgLab a = PgLab.create(); PgLab b = PgLab.empty()) {
            a.start();
            fill(a);
            Path stream = tmp.resolve("base.tar");
            StreamCommand dump = source.dump(new StreamRequest(a.params(), "basebackup", Map.of()));
            run(dump, null, stream);
            run(source.restore(new StreamRequest(b.params(), "basebackup", Map.of())), stream, null);
            assertThat(b.data.resolve("PG_VERSION")).exists();
            b.conf("port = " + b.port);
            b.conf("unix_socket_directories = '" + b.root + "'");
            b.start();
            assertThat(count(b.port, "app")).isEqualTo(1000);
        }
    }

    @Test
    void badRequestsNameTheParameter() throws IOException {
        Map<String, String> params = new HashMap<>(Map.of("data-dir", "/srv/pg", "port", "5432"));
        assertThat(source.validate(new StreamRequest(params, "pitr", Map.of())))
                .anyMatch(p -> p.startsWith("database-mode: 'pitr' is not one of [dump, basebackup]"));
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of("tables", "x"))))
                .anyMatch(p -> p.startsWith("tables: not an option of postgresql backups"));
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of("database-name", "a;drop"))))
                .anyMatch(p -> p.startsWith("database-name: 'a;drop' is not a PostgreSQL database name"));
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "secret\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
        params.put("password-file", pw.toString());
        params.put("host", "127.0.0.1");
        assertThat(source.validate(new StreamRequest(params, "dump", Map.of())))
                .anyMatch(p -> p.startsWith("password-file: password-file " + pw) && p.contains("chmod 600"));
        assertThatThrownBy(() -> source.dump(new StreamRequest(params, "dump", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void overTcpThePasswordTravelsInTheEnvironmentOnly() throws IOException {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "tcp-secret\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        StreamCommand c = source.dump(new StreamRequest(Map.of("data-dir", "/srv/pg", "host", "10.0.0.5",
                "password-file", pw.toString()), "dump", Map.of()));
        assertThat(c.environment()).containsEntry("PGPASSWORD", "tcp-secret");
        assertThat(String.join(" ", c.argv())).doesNotContain("tcp-secret").contains("-h 10.0.0.5 -p 5432");
        assertThat(c.toString()).doesNotContain("tcp-secret");
    }

    private static void fill(PgLab a) throws SQLException {
        try (Connection c = a.session(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE app");
        }
        try (Connection c = connect(a.port, "app"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id int PRIMARY KEY, amount bigint NOT NULL)");
            st.execute("INSERT INTO orders SELECT g, g * 7 FROM generate_series(1, 1000) g");
        }
    }

    private static Connection connect(int port, String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", PgLab.PASSWORD);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        return new Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    private static long count(int port, String db) throws SQLException {
        return single(port, db, "SELECT count(*) FROM orders");
    }

    private static long sum(int port, String db) throws SQLException {
        return single(port, db, "SELECT sum(amount) FROM orders");
    }

    private static long single(int port, String db, String sql) throws SQLException {
        try (Connection c = connect(port, db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs a stream command as the backup plug-in does: no shell, stdin/stdout as the stream. */
    private static void run(StreamCommand c, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(c.argv()).directory(new File("/"));
        pb.environment().putAll(c.environment());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        Path err = Files.createTempFile("pgstream", ".err");
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
