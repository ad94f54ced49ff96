package org.duplex.plugin.mariadb;

import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Sizes;
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

/**
 * The {@code mariadb} health check: connect and {@code SELECT 1} within the timeout, then each check whose parameter
 * is given, all in one session:
 * <ul>
 * <li>{@code role=primary|replica}: a primary is writable ({@code read_only} off) and replicates from no one; a
 * replica has a replication source configured ({@code SHOW ALL REPLICAS STATUS}) and is {@code read_only};</li>
 * <li>{@code max-lag}: on a replica, both replication threads running and {@code Seconds_Behind_Master} within
 * the limit (a primary has no lag of its own to measure);</li>
 * <li>{@code max-connections-used}: {@code Threads_connected} against {@code max_connections};</li>
 * <li>{@code max-transaction-age}: the oldest InnoDB transaction of another session
 * ({@code information_schema.INNODB_TRX});</li>
 * <li>{@code min-free}, {@code max-used}: the file system of {@code data-dir} (or of the server's {@code datadir}
 * when not given).</li>
 * </ul>
 * Any failure makes the result UNHEALTHY with every failed check in its reason; a bad password file or parameter
 * makes it UNKNOWN (the check could not tell). Read-only: no writes, no locks.
 */
final class MariadbHealthCheck {

    static final String TYPE = "mariadb";

    static final Set<String> KEYS = Set.of("host", "port", "user", "password-file", "connect-timeout", "tls", "role",
            "max-lag", "max-connections-used", "max-transaction-age", "data-dir", "min-free", "max-used");

    private record Spec(MariadbParams.Connect connect, Optional<MariadbParams.Role> role, Optional<Duration> maxLag,
                        OptionalDouble maxConnectionsUsed, Optional<Duration> maxTransactionAge,
                        Optional<Path> dataDir, OptionalLong minFree, OptionalDouble maxUsed) {
        boolean replication() {
            return role.isPresent() || maxLag.isPresent();
        }

        boolean space() {
            return minFree.isPresent() || maxUsed.isPresent();
        }
    }

    private static Spec parse(Map<String, String> params, List<String> problems) {
        MariadbParams p = new MariadbParams(params, KEYS);
        Spec s = new Spec(MariadbParams.connect(p), p.role(), p.duration("max-lag"), p.percent("max-connections-used"),
                p.duration("max-transaction-age"), Optional.ofNullable(p.absolutePath("data-dir", false, null)),
                p.size("min-free"), p.percent("max-used"));
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
        } catch (DbException e) {
            return e.kind() == DbException.Kind.AUTHENTICATION && e.getMessage().startsWith("password-file")
                    ? HealthStatus.unknown(e.getMessage(), since(t0))
                    : HealthStatus.unhealthy(e.getMessage(), since(t0));
        }
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        good.add("SELECT 1 answered in " + f.selectMillis + " ms");
        if (s.replication()) {
            replication(s, f, bad, good);
        }
        if (s.maxConnectionsUsed().isPresent()) {
            double pct = 100.0 * f.connections / f.maxConnections;
            String text = f.connections + " of max_connections " + f.maxConnections + " connections in use ("
                    + Sizes.percent(pct) + ", limit " + Sizes.limit(s.maxConnectionsUsed().getAsDouble()) + ")";
            (pct >= s.maxConnectionsUsed().getAsDouble() ? bad : good).add(text);
        }
        if (s.maxTransactionAge().isPresent()) {
            Duration limit = s.maxTransactionAge().get();
            if (f.transactionError != null) {
                bad.add("cannot read the oldest transaction: " + f.transactionError + " (grant PROCESS to "
                        + s.connect().user() + ")");
            } else if (f.oldestTxn.isEmpty()) {
                good.add("no open transaction");
            } else {
                Txn t = f.oldestTxn.get();
                String text = "oldest transaction " + MariadbControl.seconds(t.age) + " (connection " + t.id + ", user "
                        + t.user + ", " + t.state + ", limit " + MariadbControl.seconds(limit) + ")";
                (t.age.compareTo(limit) > 0 ? bad : good).add(text);
            }
        }
        if (s.space()) {
            space(s, f, budget, t0, bad, good);
        }
        return bad.isEmpty() ? HealthStatus.healthy(String.join("; ", good), since(t0))
                : HealthStatus.unhealthy(String.join("; ", bad), since(t0));
    }

    private static void replication(Spec s, Facts f, List<String> bad, List<String> good) {
        if (f.replicaError != null) {
            bad.add("cannot read the replication status: " + f.replicaError + " (grant SLAVE MONITOR to "
                    + s.connect().user() + ")");
            return;
        }
        boolean replica = !f.sources.isEmpty();
        if (s.role().isPresent()) {
            if (s.role().get() == MariadbParams.Role.PRIMARY) {
                if (replica) {
                    bad.add("server replicates from " + f.sources.get(0).source() + " (SHOW ALL REPLICAS STATUS),"
                            + " expected primary");
                } else if (f.readOnly) {
                    bad.add("server is read_only, expected a writable primary");
                } else {
                    good.add("primary (writable, replicates from no one)");
                }
            } else if (!replica) {
                bad.add("server has no replication source (SHOW ALL REPLICAS STATUS is empty), expected replica");
            } else if (!f.readOnly) {
                bad.add("replica of " + f.sources.get(0).source() + " is not read_only (writes would diverge from its"
                        + " primary)");
            } else {
                good.add("replica of " + f.sources.get(0).source() + ", read_only");
            }
        }
        if (s.maxLag().isEmpty()) {
            return;
        }
        if (!replica) {
            good.add("primary: no replication lag to measure");
            return;
        }
        for (Source r : f.sources) {
            String who = "replication from " + r.source() + (r.name().isEmpty() ? "" : " ('" + r.name() + "')");
            if (!r.ioRunning().equals("Yes") || !r.sqlRunning().equals("Yes")) {
                String err = !r.lastIoError().isEmpty() ? "; last IO error: " + r.lastIoError()
                        : !r.lastSqlError().isEmpty() ? "; last SQL error: " + r.lastSqlError() : "";
                bad.add(who + " is not running (IO thread " + r.ioRunning() + ", SQL thread " + r.sqlRunning() + err
                        + ")");
            } else if (r.secondsBehind() < 0) {
                bad.add(who + ": Seconds_Behind_Master is NULL (not replicating)");
            } else {
                String text = who + " lag " + r.secondsBehind() + " s (limit " + MariadbControl.seconds(s.maxLag().get())
                        + ")";
                (r.secondsBehind() * 1000L > s.maxLag().get().toMillis() ? bad : good).add(text);
            }
        }
    }

    private static void space(Spec s, Facts f, Duration budget, long t0, List<String> bad, List<String> good)
            throws InterruptedException {
        Path dir = s.dataDir().orElse(f.dataDirectory == null ? null : Path.of(f.dataDirectory));
        if (dir == null) {
            bad.add("free space: data-dir not given and the server did not tell its datadir");
            return;
        }
        Duration left = budget.minusNanos(System.nanoTime() - t0);
        try {
            long[] st = Deadline.within(left.isNegative() ? Duration.ofMillis(1) : left).call("duplex-mariadb statfs",
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

    private record Txn(long id, String user, String state, Duration age) {
    }

    private record Source(String name, String host, int port, String ioRunning, String sqlRunning,
                          long secondsBehind, String lastIoError, String lastSqlError) {
        String source() {
            return host + ":" + port;
        }
    }

    /** What one session read from the server. */
    private static final class Facts {
        long selectMillis;
        boolean readOnly;
        int connections;
        int maxConnections;
        String dataDirectory;
        Optional<Txn> oldestTxn = Optional.empty();
        String transactionError;
        final List<Source> sources = new ArrayList<>();
        String replicaError;
    }

    private static Facts facts(Connection c, Spec s) throws SQLException {
        Facts f = new Facts();
        long q0 = System.nanoTime();
        Jdbc.selectOne(c);
        f.selectMillis = (System.nanoTime() - q0) / 1_000_000;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@global.max_connections, @@datadir,"
                    + " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                    + " WHERE VARIABLE_NAME = 'THREADS_CONNECTED')")) {
                rs.next();
                f.readOnly = rs.getBoolean(1);
                f.maxConnections = rs.getInt(2);
                f.dataDirectory = rs.getString(3);
                f.connections = Integer.parseInt(rs.getString(4).strip());
            }
            if (s.maxTransactionAge().isPresent()) {
                try (ResultSet rs = st.executeQuery("SELECT t.trx_mysql_thread_id, COALESCE(p.USER, '?'),"
                        + " COALESCE(p.COMMAND, '?'), TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) DIV 1000"
                        + " FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p"
                        + " ON p.ID = t.trx_mysql_thread_id WHERE t.trx_mysql_thread_id <> CONNECTION_ID()"
                        + " ORDER BY t.trx_started LIMIT 1")) {
                    if (rs.next()) {
                        String cmd = rs.getString(3);
                        f.oldestTxn = Optional.of(new Txn(rs.getLong(1), rs.getString(2),
                                cmd.equals("Sleep") ? "idle in transaction" : cmd.equals("Query") ? "active"
                                        : cmd.toLowerCase(Locale.ROOT),
                                Duration.ofMillis(Math.max(0, rs.getLong(4)))));
                    }
                } catch (SQLException e) {
                    f.transactionError = Jdbc.serverMessage(e);
                }
            }
            if (s.replication()) {
                try (ResultSet rs = st.executeQuery("SHOW ALL REPLICAS STATUS")) {
                    while (rs.next()) {
                        long behind = rs.getLong("Seconds_Behind_Master");
                        if (rs.wasNull()) {
                            behind = -1;
                        }
                        f.sources.add(new Source(rs.getString("Connection_name"), rs.getString("Master_Host"),
                                rs.getInt("Master_Port"), rs.getString("Slave_IO_Running"),
                                rs.getString("Slave_SQL_Running"), behind, nz(rs.getString("Last_IO_Error")),
                                nz(rs.getString("Last_SQL_Error"))));
                    }
                } catch (SQLException e) {
                    f.replicaError = Jdbc.serverMessage(e);
                }
            }
        }
        return f;
    }

    private static String nz(String s) {
        return s == null ? "" : s.strip();
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
