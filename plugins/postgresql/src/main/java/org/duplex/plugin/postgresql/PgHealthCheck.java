package org.duplex.plugin.postgresql;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.duplex.api.monitor.HealthStatus;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Sizes;

/**
 * The {@code postgresql} health check: connect and {@code SELECT 1} within the timeout, then each check whose
 * parameter is given, all in one session:
 * <ul>
 * <li>{@code role=primary|standby}: {@code pg_is_in_recovery()} says the expected role;</li>
 * <li>{@code max-lag-bytes}, {@code max-lag}: on a standby its WAL received but not replayed (bytes) and the age
 * of the last replayed transaction while replay is behind, and that a WAL receiver is streaming; on a primary the
 * same for each standby in {@code pg_stat_replication};</li>
 * <li>{@code max-connections-used} (percent of {@code max_connections});</li>
 * <li>{@code max-transaction-age}: the oldest open transaction of a client session;</li>
 * <li>{@code min-free}, {@code max-used}: the file system of {@code data-dir} (or of the server's
 * {@code data_directory} when not given).</li>
 * </ul>
 * Any failure makes the result UNHEALTHY with every failed check in its reason; a bad password file or
 * parameter makes it UNKNOWN (the check could not tell). Read-only: no writes, no locks.
 */
final class PgHealthCheck {

    static final String TYPE = "postgresql";

    static final Set<String> KEYS = Set.of("host", "port", "user", "database", "password-file", "connect-timeout",
            "role", "max-lag-bytes", "max-lag", "max-connections-used", "max-transaction-age", "data-dir", "min-free",
            "max-used");

    private record Spec(PgParams.Connect connect, Optional<PgParams.Role> role, OptionalLong maxLagBytes,
                        Optional<Duration> maxLag, OptionalDouble maxConnectionsUsed,
                        Optional<Duration> maxTransactionAge, Optional<Path> dataDir, OptionalLong minFree,
                        OptionalDouble maxUsed) {
        boolean lag() {
            return maxLagBytes.isPresent() || maxLag.isPresent();
        }

        boolean space() {
            return minFree.isPresent() || maxUsed.isPresent();
        }
    }

    private static Spec parse(Map<String, String> params, List<String> problems) {
        PgParams p = new PgParams(params, KEYS);
        Spec s = new Spec(PgParams.connect(p), p.role(), p.size("max-lag-bytes"), p.duration("max-lag"),
                p.percent("max-connections-used"), p.duration("max-transaction-age"),
                Optional.ofNullable(p.absolutePath("data-dir", false, null)), p.size("min-free"),
                p.percent("max-used"));
        problems.addAll(p.problems());
        return s;
    }

    List<String> validate(Map<String, String> params) {
        List<String> problems = new ArrayList<>();
        parse(params, problems);
        return problems;
    }

    HealthStatus check(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Spec s = parse(params, problems);
        if (!problems.isEmpty()) {
            return HealthStatus.unknown("bad parameters: " + String.join("; ", problems), since(t0));
        }
        Duration budget = timeout.compareTo(s.connect().connectTimeout()) < 0 ? timeout : s.connect().connectTimeout();
        Facts f;
        try {
            f = Jdbc.with(s.connect(), budget, c -> facts(c, s));
        } catch (PgException e) {
            return e.kind() == PgException.Kind.AUTHENTICATION && e.getMessage().startsWith("password-file")
                    ? HealthStatus.unknown(e.getMessage(), since(t0))
                    : HealthStatus.unhealthy(e.getMessage(), since(t0));
        }
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        good.add("SELECT 1 answered in " + f.selectMillis + " ms");
        PgParams.Role actual = f.inRecovery ? PgParams.Role.STANDBY : PgParams.Role.PRIMARY;
        if (s.role().isPresent() && s.role().get() != actual) {
            bad.add("server is a " + actual.word() + (f.inRecovery ? " (pg_is_in_recovery() is true)"
                    : " (pg_is_in_recovery() is false)") + ", expected " + s.role().get().word());
        } else {
            good.add(actual.word());
        }
        if (s.lag()) {
            lag(s, f, bad, good);
        }
        if (s.maxConnectionsUsed().isPresent()) {
            double pct = 100.0 * f.connections / f.maxConnections;
            String text = f.connections + " of max_connections " + f.maxConnections + " connections in use ("
                    + Sizes.percent(pct) + ", limit " + Sizes.limit(s.maxConnectionsUsed().getAsDouble()) + ")";
            (pct >= s.maxConnectionsUsed().getAsDouble() ? bad : good).add(text);
        }
        if (s.maxTransactionAge().isPresent()) {
            Duration limit = s.maxTransactionAge().get();
            if (f.oldestTxn.isEmpty()) {
                good.add("no open transaction");
            } else {
                Txn t = f.oldestTxn.get();
                String text = "oldest transaction " + seconds(t.age) + " (pid " + t.pid + ", user " + t.user
                        + ", " + t.state + ", limit " + seconds(limit) + ")";
                (t.age.compareTo(limit) > 0 ? bad : good).add(text);
            }
        }
        if (s.space()) {
            space(s, f, budget, t0, bad, good);
        }
        return bad.isEmpty() ? HealthStatus.healthy(String.join("; ", good), since(t0))
                : HealthStatus.unhealthy(String.join("; ", bad), since(t0));
    }

    private static void lag(Spec s, Facts f, List<String> bad, List<String> good) {
        if (f.inRecovery) {
            if (f.receiverStatus == null) {
                bad.add("standby has no WAL receiver: not streaming from a primary");
                return;
            }
            lagAgainst(s, "standby (" + f.receiverStatus + ")", f.standbyLagBytes, f.standbyLagSeconds, bad, good);
            return;
        }
        if (f.senders.isEmpty()) {
            bad.add("primary has no standby streaming from it (pg_stat_replication is empty)");
            return;
        }
        for (Sender r : f.senders) {
            lagAgainst(s, "standby " + r.name + " (" + r.state + ")", r.lagBytes, r.lagSeconds, bad, good);
        }
    }

    private static void lagAgainst(Spec s, String who, long bytes, double secs, List<String> bad, List<String> good) {
        boolean over = s.maxLagBytes().isPresent() && bytes > s.maxLagBytes().getAsLong()
                || s.maxLag().isPresent() && secs * 1000 > s.maxLag().get().toMillis();
        String text = who + " replay lag " + Sizes.format(bytes) + ", "
                + String.format(Locale.ROOT, "%.1f s", secs) + " (limit "
                + (s.maxLagBytes().isPresent() ? Sizes.format(s.maxLagBytes().getAsLong()) : "-") + ", "
                + s.maxLag().map(PgHealthCheck::seconds).orElse("-") + ")";
        (over ? bad : good).add(text);
    }

    private static void space(Spec s, Facts f, Duration budget, long t0, List<String> bad, List<String> good)
            throws InterruptedException {
        Path dir = s.dataDir().orElse(f.dataDirectory == null ? null : Path.of(f.dataDirectory));
        if (dir == null) {
            bad.add("free space: data-dir not given and the server does not show data_directory to " + s.connect()
                    .user() + " (grant pg_read_all_settings or set data-dir)");
            return;
        }
        Duration left = budget.minusNanos(System.nanoTime() - t0);
        try {
            long[] st = Deadline.within(left.isNegative() ? Duration.ofMillis(1) : left).call("duplex-postgresql statfs",
                    () -> {
                        FileStore fs = Files.getFileStore(dir);
                        return new long[] {fs.getUsableSpace(), fs.getTotalSpace(), fs.getUnallocatedSpace()};
                    });
            long free = st[0];
            long total = st[1];
            double used = total == 0 ? 0 : 100.0 * (total - st[2]) / (total - st[2] + free);
            List<String> over = new ArrayList<>();
            if (s.minFree().isPresent() && free < s.minFree().getAsLong()) {
                over.add("below min-free " + Sizes.format(s.minFree().getAsLong()));
            }
            if (s.maxUsed().isPresent() && used > s.maxUsed().getAsDouble()) {
                over.add("over max-used " + Sizes.limit(s.maxUsed().getAsDouble()));
            }
            String text = dir + ": " + Sizes.format(free) + " free of " + Sizes.format(total) + " (" + Sizes.percent(
                    used) + " used)";
            if (over.isEmpty()) {
                good.add(text);
            } else {
                bad.add(text + ", " + String.join(" and ", over));
            }
        } catch (TimeoutException e) {
            bad.add("free space of " + dir + ": no answer from the file system in time (hung storage?)");
        } catch (IOException e) {
            bad.add("free space of " + dir + ": " + e.getMessage());
        }
    }

    private record Txn(int pid, String user, String state, Duration age) {
    }

    private record Sender(String name, String state, long lagBytes, double lagSeconds) {
    }

    /** What one session read from the server. */
    private static final class Facts {
        long selectMillis;
        boolean inRecovery;
        int connections;
        int maxConnections;
        Optional<Txn> oldestTxn = Optional.empty();
        String receiverStatus;
        long standbyLagBytes;
        double standbyLagSeconds;
        final List<Sender> senders = new ArrayList<>();
        String dataDirectory;
    }

    private static Facts facts(Connection c, Spec s) throws SQLException {
        Facts f = new Facts();
        long q0 = System.nanoTime();
        Jdbc.selectOne(c);
        f.selectMillis = (System.nanoTime() - q0) / 1_000_000;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), current_setting('max_connections')::int,"
                    + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int")) {
                rs.next();
                f.inRecovery = rs.getBoolean(1);
                f.maxConnections = rs.getInt(2);
                f.connections = rs.getInt(3);
            }
            if (s.maxTransactionAge().isPresent()) {
                try (ResultSet rs = st.executeQuery("SELECT pid, usename, state,"
                        + " (extract(epoch FROM clock_timestamp() - xact_start) * 1000)::bigint"
                        + " FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' ORDER BY xact_start LIMIT 1")) {
                    if (rs.next()) {
                        f.oldestTxn = Optional.of(new Txn(rs.getInt(1), rs.getString(2), rs.getString(3),
                                Duration.ofMillis(rs.getLong(4))));
                    }
                }
            }
            if (s.lag() && f.inRecovery) {
                try (ResultSet rs = st.executeQuery("SELECT (SELECT status FROM pg_stat_wal_receiver),"
                        + " COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint,"
                        + " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                        + " ELSE COALESCE(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)"
                        + " END::float8")) {
                    rs.next();
                    f.receiverStatus = rs.getString(1);
                    f.standbyLagBytes = Math.max(0, rs.getLong(2));
                    f.standbyLagSeconds = Math.max(0, rs.getDouble(3));
                }
            } else if (s.lag()) {
                try (ResultSet rs = st.executeQuery("SELECT application_name, state,"
                        + " COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,"
                        + " COALESCE(extract(epoch FROM replay_lag), 0)::float8 FROM pg_stat_replication"
                        + " ORDER BY application_name")) {
                    while (rs.next()) {
                        f.senders.add(new Sender(rs.getString(1), rs.getString(2), Math.max(0, rs.getLong(3)),
                                Math.max(0, rs.getDouble(4))));
                    }
                }
            }
            if (s.space() && s.dataDir().isEmpty()) {
                try (ResultSet rs = st.executeQuery("SELECT current_setting('data_directory', true)")) {
                    rs.next();
                    f.dataDirectory = rs.getString(1);
                } catch (SQLException e) {
                    f.dataDirectory = null;
                }
            }
        }
        return f;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
