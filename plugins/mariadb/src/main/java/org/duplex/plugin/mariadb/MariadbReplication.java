package org.duplex.plugin.mariadb;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.plugin.support.Credentials;
import org.duplex.plugin.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication mode of the {@code mariadb} agent: the roles of a promotable resource (see
 * {@link org.duplex.api.agent.PromotableAgent}) with MariaDB 10.11 GTID replication.
 *
 * <ul>
 * <li><b>follow NODE</b>: the local server becomes a read-only replica of NODE's ({@code CHANGE MASTER TO ...
 * MASTER_USE_GTID=slave_pos}, {@code START SLAVE}). A missing or empty data directory is seeded first:
 * {@code mariadb-install-db}, the agent's account, {@code mariadb-dump --single-transaction --gtid
 * --master-data=2 --all-databases} from NODE imported without binary logging, and the binlog state and
 * {@code gtid_slave_pos} set to the dump's GTID position. A copy that has transactions NODE lacks (a former
 * primary's commits that never reached the new one, found by comparing the two {@code gtid_binlog_state}s) is
 * refused, naming them: MariaDB has nothing like pg_rewind, the operator re-seeds it. A running primary is
 * refused: the engine stops it first.</li>
 * <li><b>promote</b>: the IO thread stopped, the relay log applied up to what was received
 * ({@code MASTER_GTID_WAIT}), {@code STOP SLAVE}, {@code RESET SLAVE ALL}, {@code read_only} off.</li>
 * <li><b>start</b> (as primary): started with {@code --skip-slave-start}; a former replica's replication
 * configuration removed, {@code read_only} off.</li>
 * <li><b>status</b>: role and the sequence number of the server's GTID domain ({@code gtid_current_pos}, for a
 * replica the larger of it and what the IO thread received); stopped: the last GTID of the last binary log,
 * read with {@code mariadb-binlog} (with {@code log_slave_updates} a replica's binlog has every applied
 * transaction).</li>
 * </ul>
 * {@code semi-sync=on} makes the primary wait, at each commit, for a replica's acknowledgement
 * ({@code rpl_semi_sync_master_wait_point=AFTER_SYNC}) for up to {@code semi-sync-timeout} (default 24 h); when it
 * expires MariaDB falls back to asynchronous replication and the monitor says so. The replication password is the
 * {@code password-file}'s: it goes into {@code CHANGE MASTER} (MariaDB keeps it in {@code master.info} in the
 * data directory, as it always does) and into no message or log line.
 */
final class MariadbReplication {

    private static final Logger LOG = LoggerFactory.getLogger(MariadbReplication.class);
    static final Duration DEFAULT_SEMI_SYNC_TIMEOUT = Duration.ofHours(24);
    /** rpl_semi_sync_master_timeout is an unsigned 32-bit count of milliseconds. */
    static final long MAX_SEMI_SYNC_TIMEOUT_MS = 4_294_967_295L;
    private static final Pattern DUMP_GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'");
    private static final Pattern BINLOG_GTID = Pattern.compile("\\bGTID (\\d+-\\d+-\\d+)");
    private static final Pattern BINLOG_LIST = Pattern.compile("Gtid list \\[([^\\]]*)\\]");
    private static final List<String> AS_REPLICA = List.of("--skip-slave-start", "--read-only");
    private static final List<String> AS_PRIMARY = List.of("--skip-slave-start");

    private final MariadbControl control = new MariadbControl();

    /** Where a node's server is reached. */
    record Peer(String host, int port) {
    }

    /** The semi-synchronous settings. */
    record Sync(boolean semi, Duration timeout) {
    }

    /** {@code hosts=node1:10.0.0.1,node2:10.0.0.2:3307}: node to host and port (the resource's port by default). */
    static Map<String, Peer> peers(Map<String, String> params, int defaultPort, List<String> problems) {
        Map<String, Peer> out = new LinkedHashMap<>();
        org.duplex.api.agent.PeerHosts.parse(params, defaultPort, problems)
                .forEach((node, a) -> out.put(node, new Peer(a.host(), a.port())));
        return out;
    }

    static Sync sync(Map<String, String> params, List<String> problems) {
        String v = params.getOrDefault("semi-sync", "off").strip().toLowerCase(Locale.ROOT);
        boolean semi = false;
        switch (v) {
            case "on", "true", "yes" -> semi = true;
            case "off", "false", "no", "" -> semi = false;
            default -> problems.add("semi-sync: must be on or off, was '" + params.get("semi-sync") + "'");
        }
        Map<String, String> only = params.containsKey("semi-sync-timeout")
                ? Map.of("semi-sync-timeout", params.get("semi-sync-timeout")) : Map.of();
        MariadbParams p = new MariadbParams(only, MariadbControl.KEYS);
        Duration t = p.duration("semi-sync-timeout").orElse(DEFAULT_SEMI_SYNC_TIMEOUT);
        problems.addAll(p.problems());
        if (t.toMillis() > MAX_SEMI_SYNC_TIMEOUT_MS) {
            problems.add("semi-sync-timeout: at most " + MAX_SEMI_SYNC_TIMEOUT_MS + " ms (MariaDB's limit), was '"
                    + params.get("semi-sync-timeout") + "'");
        }
        return new Sync(semi, t);
    }

    List<String> validate(Map<String, String> params) {
        List<String> problems = control.validate(params);
        peers(params, MariadbParams.DEFAULT_PORT, problems);
        sync(params, problems);
        maxLagProblem(params).ifPresent(problems::add);
        return problems;
    }

    /** The engine's default promote-max-lag (16777216) is sized for PostgreSQL's bytes of WAL: here it is no limit. */
    static Optional<String> maxLagProblem(Map<String, String> params) {
        if ("true".equalsIgnoreCase(params.getOrDefault("promotable", "false").strip())
                && !params.containsKey("promote-max-lag")) {
            return Optional.of("promote-max-lag: required for a promotable mariadb resource, in transactions (0 with"
                    + " semi-sync=on); the engine's default of 16777216 counts bytes of PostgreSQL WAL and would let"
                    + " a replica any number of transactions behind be promoted");
        }
        return Optional.empty();
    }

    private MariadbControl.Spec spec(Map<String, String> params, List<String> problems) {
        problems.addAll(validate(params));
        return problems.isEmpty() ? MariadbControl.parse(params, new ArrayList<>()) : null;
    }

    // ---------------------------------------------------------------------------------------------- server state

    /** A replica's side of SHOW SLAVE STATUS. */
    record Slave(String host, int port, String io, String sql, Long secondsBehind, String ioPos, String ioError,
                 String sqlError) {
        boolean running() {
            return "Yes".equals(io) && "Yes".equals(sql);
        }
    }

    /** What the agent reads of a server in one round. */
    record Info(long serverId, long domain, boolean logBin, boolean logSlaveUpdates, boolean readOnly,
                String currentPos, String binlogPos, String binlogState, Optional<Slave> slave,
                boolean semiMasterEnabled, boolean semiMasterOn, long semiClients, boolean semiSlaveEnabled) {
        boolean primary() {
            return slave.isEmpty() && !readOnly;
        }

        /** The position: gtid_current_pos of the domain, for a replica at least what its IO thread received. */
        ReplicationPosition position() {
            Optional<Gtid> at = Gtid.inDomain(currentPos, domain);
            Optional<Gtid> received = slave.flatMap(s -> Gtid.inDomain(s.ioPos(), domain));
            if (received.isPresent() && (at.isEmpty() || received.get().seq() > at.get().seq())) {
                at = received;
            }
            return at.map(Gtid::position).orElse(Gtid.empty(domain));
        }

        List<String> configProblems() {
            List<String> out = new ArrayList<>();
            if (!logBin) {
                out.add("log_bin is OFF (add log-bin to the config-file: replication and promotion need the binary log)");
            }
            if (!logSlaveUpdates) {
                out.add("log_slave_updates is OFF (add log-slave-updates to the config-file: a promoted replica must"
                        + " have every transaction it applied in its own binary log)");
            }
            return out;
        }
    }

    static Info info(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            long serverId;
            long domain;
            boolean logBin;
            boolean lsu;
            boolean ro;
            String cur;
            String binPos;
            String binState;
            boolean semiM;
            boolean semiS;
            try (ResultSet rs = st.executeQuery("SELECT @@server_id, @@gtid_domain_id, @@log_bin, @@log_slave_updates,"
                    + " @@read_only, @@gtid_current_pos, @@gtid_binlog_pos, @@gtid_binlog_state,"
                    + " @@rpl_semi_sync_master_enabled, @@rpl_semi_sync_slave_enabled")) {
                rs.next();
                serverId = rs.getLong(1);
                domain = rs.getLong(2);
                logBin = rs.getInt(3) != 0;
                lsu = rs.getInt(4) != 0;
                ro = rs.getInt(5) != 0;
                cur = nz(rs.getString(6));
                binPos = nz(rs.getString(7));
                binState = nz(rs.getString(8));
                semiM = rs.getInt(9) != 0;
                semiS = rs.getInt(10) != 0;
            }
            boolean semiOn = false;
            long clients = 0;
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN "
                    + "('Rpl_semi_sync_master_status', 'Rpl_semi_sync_master_clients')")) {
                while (rs.next()) {
                    if (rs.getString(1).equalsIgnoreCase("Rpl_semi_sync_master_status")) {
                        semiOn = "ON".equalsIgnoreCase(rs.getString(2));
                    } else {
                        clients = parseLong(rs.getString(2));
                    }
                }
            }
            Optional<Slave> slave = Optional.empty();
            try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (rs.next()) {
                    long behind = rs.getLong("Seconds_Behind_Master");
                    Long b = rs.wasNull() ? null : behind;
                    slave = Optional.of(new Slave(nz(rs.getString("Master_Host")), rs.getInt("Master_Port"),
                            nz(rs.getString("Slave_IO_Running")), nz(rs.getString("Slave_SQL_Running")), b,
                            nz(rs.getString("Gtid_IO_Pos")), nz(rs.getString("Last_IO_Error")),
                            nz(rs.getString("Last_SQL_Error"))));
                }
            }
            return new Info(serverId, domain, logBin, lsu, ro, cur, binPos, binState, slave, semiM, semiOn, clients,
                    semiS);
        }
    }

    // ---------------------------------------------------------------------------------------------- start

    OperationResult startPrimary(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        MariadbControl.Spec s = spec(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Sync sync = sync(params, new ArrayList<>());
        Deadline d = Deadline.within(timeout);
        boolean wasRunning;
        try {
            wasRunning = Mariadbd.live(s.pidFile(), s.dataDir()).isPresent();
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.pidFile() + ": " + e.getMessage(),
                    since(t0));
        }
        String how = "already running";
        if (!wasRunning) {
            OperationResult started = control.start(params, d.remaining(), AS_PRIMARY);
            if (!started.isSuccess()) {
                return started;
            }
            how = started.reason();
        }
        try {
            String done = Jdbc.with(s.connect(), d.remaining(), c -> {
                Info i = info(c);
                List<String> bad = i.configProblems();
                if (!bad.isEmpty()) {
                    return "!C" + String.join("; ", bad);
                }
                String was = "";
                if (i.slave().isPresent()) {
                    if (wasRunning) {
                        return "!G" + "cannot start as a primary: mariadb in " + s.dataDir() + " runs as a replica of "
                                + i.slave().get().host() + ":" + i.slave().get().port() + "; promote it instead";
                    }
                    try (Statement st = c.createStatement()) {
                        st.execute("STOP SLAVE");
                        st.execute("RESET SLAVE ALL");
                    }
                    was = " (was a replica of " + i.slave().get().host() + ":" + i.slave().get().port()
                            + ": its replication configuration removed, new generation started)";
                    newGeneration(c, i.domain());
                }
                configurePrimary(c, sync);
                return "primary at " + info(c).position().text() + was;
            });
            if (done.startsWith("!")) {
                return OperationResult.of(done.charAt(1) == 'C' ? OcfStatus.ERR_CONFIGURED : OcfStatus.ERR_GENERIC,
                        "mariadb in " + s.dataDir() + ": " + done.substring(2), since(t0));
            }
            LOG.info("mariadb {}: {}", s.dataDir(), done);
            return OperationResult.success(done + "; " + how + mode(sync), since(t0));
        } catch (DbException e) {
            return failed(e, "mariadb in " + s.dataDir() + " started but cannot be made a primary: ", t0);
        }
    }

    /**
     * The marker of a new history: one binlogged statement ({@code FLUSH PRIVILEGES}, harmless) whose GTID sequence
     * number starts the next generation (see {@link Gtid}). Written before semi-sync is enabled: with no replica
     * connected yet it would wait for the whole timeout. Needs BINLOG REPLAY (to set {@code gtid_seq_no}) and
     * RELOAD.
     */
    private static void newGeneration(Connection c, long domain) throws SQLException {
        long seq = Gtid.inDomain(info(c).currentPos(), domain).map(Gtid::seq).orElse(0L);
        try (Statement st = c.createStatement()) {
            st.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            st.execute("SET SESSION gtid_seq_no = " + Gtid.nextGeneration(seq));
            st.execute("FLUSH PRIVILEGES");
        }
    }

    private static void configurePrimary(Connection c, Sync sync) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (sync.semi()) {
                st.execute("SET GLOBAL rpl_semi_sync_master_wait_point = 'AFTER_SYNC'");
                st.execute("SET GLOBAL rpl_semi_sync_master_timeout = " + sync.timeout().toMillis());
                st.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
            } else {
                st.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
            }
            st.execute("SET GLOBAL rpl_semi_sync_slave_enabled = OFF");
            st.execute("SET GLOBAL read_only = OFF");
        }
    }

    static String mode(Sync sync) {
        return sync.semi() ? " (semi-synchronous replication, AFTER_SYNC: a commit returns once a replica has it;"
                + " after semi-sync-timeout " + sync.timeout().toMillis() + " ms without one MariaDB falls back to"
                + " asynchronous and the monitor says so)"
                : " (asynchronous replication: a failover can lose the last commits the replicas had not received)";
    }

    // ---------------------------------------------------------------------------------------------- promote

    OperationResult promote(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        MariadbControl.Spec s = spec(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Sync sync = sync(params, new ArrayList<>());
        Deadline d = Deadline.within(timeout);
        try {
            if (Mariadbd.live(s.pidFile(), s.dataDir()).isEmpty()) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "cannot promote: no mariadbd runs in " + s.dataDir()
                        + " (start it as a replica first)", since(t0));
            }
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.pidFile() + ": " + e.getMessage(),
                    since(t0));
        }
        long waitSecs = Math.max(1, d.remaining().toSeconds() - 1);
        try {
            String outcome = Jdbc.with(s.connect(), d.remaining(), c -> {
                Info i = info(c);
                if (i.primary()) {
                    configurePrimary(c, sync);
                    return "already a primary";
                }
                try (Statement st = c.createStatement()) {
                    String applied = "";
                    if (i.slave().isPresent()) {
                        Slave sl = i.slave().get();
                        if (!"Yes".equals(sl.sql()) && !sl.sqlError().isEmpty()) {
                            return "!cannot promote: its SQL thread stopped on an error, so transactions received up"
                                    + " to " + sl.ioPos() + " are not all applied: " + sl.sqlError();
                        }
                        st.execute("STOP SLAVE IO_THREAD");
                        if (!"Yes".equals(sl.sql())) {
                            st.execute("START SLAVE SQL_THREAD");
                        }
                        Slave after = info(c).slave().orElse(sl);
                        if (!after.ioPos().isBlank()) {
                            try (ResultSet rs = st.executeQuery("SELECT MASTER_GTID_WAIT(" + quote(after.ioPos())
                                    + ", " + waitSecs + ")")) {
                                rs.next();
                                if (rs.getInt(1) != 0) {
                                    return "!Tthe relay log was not applied up to " + after.ioPos() + " within "
                                            + waitSecs + " s (MASTER_GTID_WAIT timed out); not promoted";
                                }
                            }
                            applied = "relay log applied up to " + after.ioPos() + ", ";
                        }
                        st.execute("STOP SLAVE");
                        st.execute("RESET SLAVE ALL");
                    }
                    newGeneration(c, i.domain());
                    configurePrimary(c, sync);
                    return "promoted (" + applied + "replication configuration removed, read_only off, new "
                            + "generation started) at " + info(c).position().text();
                }
            });
            if (outcome.startsWith("!")) {
                boolean t = outcome.startsWith("!T");
                return OperationResult.of(t ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC, "mariadb in " + s.dataDir()
                        + ": " + outcome.substring(t ? 2 : 1), since(t0));
            }
            LOG.info("mariadb {}: {}", s.dataDir(), outcome);
            return OperationResult.success(outcome + mode(sync), since(t0));
        } catch (DbException e) {
            return failed(e, "cannot promote mariadb in " + s.dataDir() + ": ", t0);
        }
    }

    // ---------------------------------------------------------------------------------------------- follow

    OperationResult follow(Map<String, String> params, String primaryNode, Duration timeout)
            throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        MariadbControl.Spec s = spec(params, problems);
        if (s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Sync sync = sync(params, new ArrayList<>());
        Peer peer = peers(params, s.port(), new ArrayList<>()).get(primaryNode);
        if (peer == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "hosts: no address for node " + primaryNode
                    + " (hosts=" + params.getOrDefault("hosts", "") + ")", since(t0));
        }
        Deadline d = Deadline.within(timeout);
        String who = primaryNode + " (" + peer.host() + ":" + peer.port() + ")";
        MariadbParams.Connect remote = new MariadbParams.Connect(peer.host(), peer.port(), s.connect().user(),
                s.connect().passwordFile(), s.connect().connectTimeout(), s.connect().tls());
        boolean running;
        try {
            running = Mariadbd.live(s.pidFile(), s.dataDir()).isPresent();
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.pidFile() + ": " + e.getMessage(),
                    since(t0));
        }
        if (running) {
            try {
                Info mine = Jdbc.with(s.connect(), MariadbControl.shorter(s.connect().connectTimeout(), d.remaining()),
                        MariadbReplication::info);
                if (mine.primary()) {
                    return OperationResult.of(OcfStatus.ERR_GENERIC, "mariadb in " + s.dataDir() + " runs as a"
                            + " primary (read_only OFF, replicating from nobody): it is not demoted while running;"
                            + " stop it first, then follow " + primaryNode, since(t0));
                }
            } catch (DbException e) {
                return failed(e, "cannot follow " + who + ": the local server does not answer: ", t0);
            }
        }
        // then the primary: unreachable, a refused login or no primary there fail before anything changes here
        Info theirs;
        try {
            theirs = Jdbc.with(remote, MariadbControl.shorter(remote.connectTimeout(), d.remaining()),
                    MariadbReplication::info);
        } catch (DbException e) {
            return failed(e, "cannot follow " + who + ": ", t0);
        }
        if (!theirs.primary()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot follow " + who + ": it is no primary ("
                    + (theirs.slave().isPresent() ? "a replica of " + theirs.slave().get().host() + ":"
                    + theirs.slave().get().port() : "read_only is ON") + ")", since(t0));
        }
        String prepared;
        boolean startedHere = false;
        Optional<String> seedPos = Optional.empty();
        if (running) {
            prepared = "running copy pointed at " + who;
        } else {
            boolean empty;
            try {
                empty = isEmpty(s.dataDir());
            } catch (IOException e) {
                return OperationResult.of(OcfStatus.ERR_PERM, "cannot read data-dir " + s.dataDir() + ": "
                        + e.getMessage(), since(t0));
            }
            if (empty) {
                OperationResult seeded = seed(params, s, remote, who, d);
                if (!seeded.isSuccess()) {
                    return OperationResult.of(seeded.status(), seeded.reason(), since(t0));
                }
                int at = seeded.reason().indexOf('\n');
                seedPos = Optional.of(seeded.reason().substring(at + 1));
                prepared = seeded.reason().substring(0, at);
            } else {
                if (!Files.isDirectory(s.dataDir().resolve("mysql"))) {
                    return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot follow " + who + ": data-dir "
                            + s.dataDir() + " is neither empty nor a MariaDB data directory (no mysql/)", since(t0));
                }
                OperationResult started = control.start(params, d.remaining(), AS_REPLICA);
                if (!started.isSuccess()) {
                    return OperationResult.of(started.status(), "replica of " + who + " did not start: "
                            + started.reason(), since(t0));
                }
                prepared = "started read-only";
            }
            startedHere = true;
        }
        OperationResult r = point(s, remote, theirs, primaryNode, who, sync, seedPos, d, t0);
        if (!r.isSuccess() && startedHere) {
            // leave the copy as it was found: stopped, not half a replica
            control.stop(params, Duration.ofSeconds(Math.max(5, d.remaining().toSeconds())));
        }
        if (r.isSuccess()) {
            LOG.info("mariadb {}: replica of {} ({})", s.dataDir(), who, prepared);
            return OperationResult.success("replica of " + who + ": " + prepared + "; " + r.reason() + mode(sync),
                    since(t0));
        }
        return r;
    }

    /** Points the running local server at the primary, after the checks; success reason: where it starts from. */
    private OperationResult point(MariadbControl.Spec s, MariadbParams.Connect remote, Info theirs, String node,
                                  String who,
                                  Sync sync, Optional<String> seedPos, Deadline d, long t0)
            throws InterruptedException {
        char[] password = null;
        try {
            if (s.connect().passwordFile().isPresent()) {
                password = Credentials.readPassword(s.connect().passwordFile().get());
            }
        } catch (Credentials.RefusedException e) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, e.getMessage(), since(t0));
        }
        String pw = password == null ? "" : new String(password);
        if (password != null) {
            Arrays.fill(password, '\0');
        }
        long waitMs = Math.max(0, Math.min(10_000, d.remaining().toMillis() - 1000));
        try {
            String done = Jdbc.with(s.connect(), d.remaining(), c -> {
                Info mine = info(c);
                List<String> bad = mine.configProblems();
                if (!bad.isEmpty()) {
                    return "!C" + String.join("; ", bad);
                }
                if (mine.serverId() == theirs.serverId()) {
                    return "!Cserver_id " + mine.serverId() + " is the same as " + node + "'s: give every node its own"
                            + " server-id in its config-file";
                }
                if (mine.primary()) {
                    return "!Gmariadb in " + s.dataDir() + " runs as a primary (read_only OFF, replicating from"
                            + " nobody): it is not demoted while running; stop it first, then follow " + node;
                }
                if (mine.domain() != theirs.domain()) {
                    return "!Cgtid_domain_id " + mine.domain() + " differs from " + node + "'s " + theirs.domain()
                            + ": every node must write in the same GTID domain";
                }
                Optional<String> extra = Gtid.extraOver(mine.binlogState(), theirs.binlogState(), mine.domain());
                if (extra.isPresent() && seedPos.isEmpty()) {
                    return "!Gcannot follow " + node + ": this copy has transactions " + node + " lacks: "
                            + extra.get() + " (its binlog state " + mine.binlogState() + ", " + node + "'s "
                            + theirs.binlogState() + "); it diverged, most likely a former primary's commits that never"
                            + " reached the new primary. MariaDB cannot rewind them: re-seed this copy (stop it, empty"
                            + " data-dir " + s.dataDir() + ", follow again), after saving those transactions if they"
                            + " matter";
                }
                Slave now = mine.slave().orElse(null);
                if (now != null && now.host().equals(remote.host()) && now.port() == remote.port()
                        && now.running() && mine.semiSlaveEnabled() == sync.semi()) {
                    return "already a replica of " + who + " at " + mine.position().text();
                }
                try (Statement st = c.createStatement()) {
                    if (now != null) {
                        st.execute("STOP SLAVE");
                    }
                    st.execute("SET GLOBAL read_only = ON");
                    st.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
                    st.execute("SET GLOBAL rpl_semi_sync_slave_enabled = " + (sync.semi() ? "ON" : "OFF"));
                    String from = seedPos.orElse(info(c).currentPos());
                    st.execute("SET GLOBAL gtid_slave_pos = " + quote(from));
                    st.execute("CHANGE MASTER TO MASTER_HOST = " + quote(remote.host()) + ", MASTER_PORT = "
                            + remote.port() + ", MASTER_USER = " + quote(remote.user()) + ", MASTER_PASSWORD = "
                            + quote(pw) + ", MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1");
                    st.execute("START SLAVE");
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
                    Slave sl = null;
                    while (true) {
                        sl = info(c).slave().orElse(null);
                        if (sl == null) {
                            return "!Gthe replication configuration disappeared after START SLAVE";
                        }
                        if (!sl.ioError().isEmpty() || !sl.sqlError().isEmpty()) {
                            String err = !sl.ioError().isEmpty() ? "IO thread: " + sl.ioError()
                                    : "SQL thread: " + sl.sqlError();
                            st.execute("STOP SLAVE");
                            return "!Greplication from " + who + " failed: " + err;
                        }
                        if (sl.running() || System.nanoTime() > end) {
                            break;
                        }
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new SQLException("interrupted");
                        }
                    }
                    return "replicating from " + from + " (IO thread " + sl.io() + ", SQL thread " + sl.sql()
                            + (sync.semi() ? ", semi-sync replica" : "") + ")";
                }
            });
            if (done.startsWith("!")) {
                return OperationResult.of(done.charAt(1) == 'C' ? OcfStatus.ERR_CONFIGURED : OcfStatus.ERR_GENERIC,
                        done.substring(2), since(t0));
            }
            return OperationResult.success(done, since(t0));
        } catch (DbException e) {
            return failed(e, "cannot make mariadb in " + s.dataDir() + " a replica of " + who + ": ", t0);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> l = Files.list(dir)) {
            return l.findAny().isEmpty();
        }
    }

    /**
     * A fresh data directory with the primary's data: install-db, the agent's account (so that start can log in;
     * the dump then brings the primary's accounts), start read-only, mariadb-dump from the primary into it without
     * binary logging, the binlog state set to the dump's position. Success reason: "what\nGTID position".
     */
    private OperationResult seed(Map<String, String> params, MariadbControl.Spec s, MariadbParams.Connect remote,
                                 String who, Deadline d) throws InterruptedException {
        long t0 = System.nanoTime();
        Path data = s.dataDir();
        Path tmp = null;
        try {
            Path parent = data.getParent();
            PosixFileAttributes owner = Files.getFileAttributeView(Files.exists(data) ? data : parent,
                    PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            boolean root = MariadbControl.isRoot();
            if (root && owner.owner().getName().equals("root")) {
                return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot seed " + data + ": "
                        + (Files.exists(data) ? "it" : "its parent " + parent) + " is owned by root; mariadbd runs as"
                        + " the data directory's owner and not as root (chown mysql:mysql it)", since(t0));
            }
            if (!Files.exists(data)) {
                Files.createDirectory(data);
                if (root) {
                    PosixFileAttributeView v = Files.getFileAttributeView(data, PosixFileAttributeView.class);
                    v.setOwner(owner.owner());
                    v.setGroup(owner.group());
                }
            }
            List<String> asOwner = root ? List.of("runuser", "-u", owner.owner().getName(), "--") : List.of();
            String defaults = s.configFile().map(f -> "--defaults-file=" + f).orElse("--no-defaults");
            Path bin = s.mariadbd().getParent().getParent().resolve("bin");
            List<String> install = new ArrayList<>(asOwner);
            install.addAll(List.of(tool(bin, "mariadb-install-db"), defaults, "--datadir=" + data, "--skip-test-db",
                    "--auth-root-authentication-method=socket"));
            String out = run(install, null, null, d);
            if (out != null) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot seed " + data + ": mariadb-install-db: "
                        + out, since(t0));
            }
            char[] pw = s.connect().passwordFile().isPresent()
                    ? Credentials.readPassword(s.connect().passwordFile().get()) : new char[0];
            String user = quote(s.connect().user());
            String account = "FLUSH PRIVILEGES;\nCREATE USER " + user + "@'%' IDENTIFIED BY " + quote(new String(pw))
                    + ";\nGRANT ALL PRIVILEGES ON *.* TO " + user + "@'%';\n";
            List<String> boot = new ArrayList<>(asOwner);
            boot.addAll(List.of(s.mariadbd().toString(), defaults, "--bootstrap", "--datadir=" + data,
                    "--log-warnings=0", "--skip-log-bin"));
            out = run(boot, account.getBytes(StandardCharsets.UTF_8), null, d);
            if (out != null) {
                Arrays.fill(pw, '\0');
                return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot seed " + data + ": mariadbd --bootstrap: "
                        + out, since(t0));
            }
            OperationResult started = control.start(params, d.remaining(), AS_REPLICA);
            if (!started.isSuccess()) {
                Arrays.fill(pw, '\0');
                return OperationResult.of(started.status(), "cannot seed " + data + ": the fresh server did not start: "
                        + started.reason(), since(t0));
            }
            // the password reaches the clients through a 0600 defaults file, never their command line
            // beside the data directory (its file system has room for the data; /tmp may be a small tmpfs)
            tmp = Files.createTempDirectory(parent, ".duplex-seed", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path cnf = tmp.resolve("client.cnf");
            Files.writeString(cnf, "[client]\npassword=\"" + new String(pw).replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"\n", StandardCharsets.UTF_8);
            Arrays.fill(pw, '\0');
            Path dump = tmp.resolve("seed.sql");
            List<String> dumpCmd = List.of(tool(bin, "mariadb-dump"), "--defaults-file=" + cnf, "--host=" + remote.host(),
                    "--port=" + remote.port(), "--user=" + remote.user(), "--protocol=TCP", "--single-transaction",
                    "--gtid", "--master-data=2", "--all-databases", "--routines", "--events", "--triggers",
                    "--flush-privileges", "--skip-ssl");
            out = run(dumpCmd, null, dump, d);
            if (out != null) {
                control.stop(params, Duration.ofSeconds(10));
                return OperationResult.of(d.passed() ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC, "cannot seed "
                        + data + " from " + who + ": mariadb-dump: " + out, since(t0));
            }
            String pos = null;
            try (BufferedReader r = Files.newBufferedReader(dump, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    // "-- SET GLOBAL gtid_slave_pos='0-1-3';", near the end of the dump
                    if (line.startsWith("-- SET GLOBAL gtid_slave_pos")) {
                        Matcher m = DUMP_GTID.matcher(line);
                        if (m.find()) {
                            pos = m.group(1);
                        }
                    }
                }
            }
            if (pos == null) {
                control.stop(params, Duration.ofSeconds(10));
                return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot seed " + data + " from " + who
                        + ": mariadb-dump wrote no GTID position (is log-bin on there?)", since(t0));
            }
            Gtid.parseList(pos);
            List<String> load = List.of(tool(bin, "mariadb"), "--defaults-file=" + cnf, "--host=127.0.0.1",
                    "--port=" + s.port(), "--user=" + s.connect().user(), "--protocol=TCP", "--skip-ssl",
                    "--init-command=SET SESSION sql_log_bin = 0");
            out = runWithInput(load, dump, d);
            if (out != null) {
                control.stop(params, Duration.ofSeconds(10));
                return OperationResult.of(d.passed() ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC, "cannot seed "
                        + data + " from " + who + ": loading the dump failed: " + out, since(t0));
            }
            String at = pos;
            Jdbc.with(s.connect(), d.remaining(), c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("RESET MASTER");
                    st.execute("SET GLOBAL gtid_binlog_state = " + quote(at));
                    st.execute("SET GLOBAL gtid_slave_pos = " + quote(at));
                }
                return null;
            });
            long bytes = Files.size(dump);
            return OperationResult.success("seeded from " + who + " with mariadb-dump (" + bytes + " bytes, GTID "
                    + at + ")\n" + at, since(t0));
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot seed " + data + ": " + e.getMessage(), since(t0));
        } catch (Credentials.RefusedException e) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, e.getMessage(), since(t0));
        } catch (DbException e) {
            control.stop(params, Duration.ofSeconds(10));
            return failed(e, "cannot seed " + data + " from " + who + ": ", t0);
        } finally {
            if (tmp != null) {
                try (Stream<Path> l = Files.list(tmp)) {
                    for (Path p : l.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", tmp, e.getMessage());
                }
            }
        }
    }

    private static String tool(Path bin, String name) {
        Path p = bin.resolve(name);
        return Files.isExecutable(p) ? p.toString() : "/usr/bin/" + name;
    }

    /** Runs a command; null when it exited 0, else what went wrong (its last output lines). */
    private static String run(List<String> argv, byte[] stdin, Path stdout, Deadline d)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("duplex-mdbrun", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/"));
            if (stdout != null) {
                pb.redirectOutput(stdout.toFile()).redirectError(log.toFile());
            } else {
                pb.redirectErrorStream(true).redirectOutput(log.toFile());
            }
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin);
                } finally {
                    Arrays.fill(stdin, (byte) 0);
                }
            }
            return finish(p, argv, log, d);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String runWithInput(List<String> argv, Path stdin, Deadline d)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("duplex-mdbrun", ".out");
        try {
            Process p = new ProcessBuilder(argv).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(stdin.toFile()).start();
            return finish(p, argv, log, d);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String finish(Process p, List<String> argv, Path log, Deadline d)
            throws IOException, InterruptedException {
        if (!p.waitFor(d.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return "did not finish within " + d.budgetText();
        }
        if (p.exitValue() == 0) {
            return null;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        return "exit " + p.exitValue() + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3),
                lines.size()));
    }

    // ---------------------------------------------------------------------------------------------- status

    ReplicaStatus status(Map<String, String> params, Duration timeout) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        MariadbControl.Spec s = MariadbControl.parse(params, problems);
        if (s == null) {
            return ReplicaStatus.stopped(Optional.empty(), String.join("; ", problems));
        }
        Deadline d = Deadline.within(timeout);
        Map<String, Peer> peers = peers(params, s.port(), new ArrayList<>());
        Optional<Long> pid;
        try {
            pid = Mariadbd.live(s.pidFile(), s.dataDir());
        } catch (IOException e) {
            return ReplicaStatus.stopped(Optional.empty(), "cannot read " + s.pidFile() + ": " + e.getMessage());
        }
        if (pid.isEmpty()) {
            return onDisk(s, d);
        }
        try {
            Info i = Jdbc.with(s.connect(), MariadbControl.shorter(s.connect().connectTimeout(), d.remaining()),
                    MariadbReplication::info);
            return status(i, peers);
        } catch (DbException e) {
            // CHANGE MASTER writes master.info into the data directory, RESET SLAVE ALL removes it
            ReplicaStatus.Role role = Files.exists(s.dataDir().resolve("master.info")) ? ReplicaStatus.Role.STANDBY
                    : ReplicaStatus.Role.PRIMARY;
            return new ReplicaStatus(role, Optional.empty(), Optional.empty(), "mariadbd " + pid.get()
                    + " runs but its position is unknown: " + e.getMessage());
        }
    }

    static ReplicaStatus status(Info i, Map<String, Peer> peers) {
        ReplicationPosition at = i.position();
        String others = Gtid.parseList(i.currentPos()).stream().anyMatch(g -> g.domain() != i.domain())
                ? "; other GTID domains in gtid_current_pos " + i.currentPos() + " are not compared" : "";
        if (i.primary()) {
            return new ReplicaStatus(ReplicaStatus.Role.PRIMARY, Optional.of(at), Optional.empty(), "primary at "
                    + at.text() + semiText(i) + others);
        }
        if (i.slave().isEmpty()) {
            return new ReplicaStatus(ReplicaStatus.Role.STANDBY, Optional.of(at), Optional.empty(), "read-only, "
                    + "replicating from nobody, at " + at.text() + others);
        }
        Slave sl = i.slave().get();
        Optional<String> following = peers.entrySet().stream().filter(e -> e.getValue().host().equals(sl.host())
                && e.getValue().port() == sl.port()).map(Map.Entry::getKey).findFirst();
        return new ReplicaStatus(ReplicaStatus.Role.STANDBY, Optional.of(at), following, "replica of "
                + following.orElse(sl.host() + ":" + sl.port()) + ": " + replicaText(i) + others);
    }

    /** "IO thread Yes, SQL thread Yes, Seconds_Behind_Master 0, received 0-1-9, applied 0-1-9 (0 behind)". */
    static String replicaText(Info i) {
        Slave sl = i.slave().orElseThrow();
        Optional<Gtid> received = Gtid.inDomain(sl.ioPos(), i.domain());
        Optional<Gtid> applied = Gtid.inDomain(i.currentPos(), i.domain());
        long distance = Math.max(0, received.map(Gtid::seq).orElse(0L) - applied.map(Gtid::seq).orElse(0L));
        return "IO thread " + sl.io() + ", SQL thread " + sl.sql() + ", Seconds_Behind_Master "
                + (sl.secondsBehind() == null ? "NULL" : sl.secondsBehind()) + ", received "
                + received.map(Gtid::toString).orElse("nothing") + ", applied "
                + applied.map(Gtid::toString).orElse("nothing") + " (" + distance + " transaction"
                + (distance == 1 ? "" : "s") + " to apply)" + (i.semiSlaveEnabled() ? ", semi-sync replica" : "")
                + (sl.ioError().isEmpty() ? "" : "; IO error: " + sl.ioError())
                + (sl.sqlError().isEmpty() ? "" : "; SQL error: " + sl.sqlError());
    }

    static String semiText(Info i) {
        if (!i.semiMasterEnabled()) {
            return " (asynchronous replication)";
        }
        return i.semiMasterOn() ? " (semi-synchronous, " + i.semiClients() + " semi-sync replica"
                + (i.semiClients() == 1 ? "" : "s") + " connected)"
                : " (semi-sync enabled but FALLEN BACK TO ASYNCHRONOUS: no replica acknowledged within"
                + " semi-sync-timeout; commits since then may exist only here)";
    }

    /** A stopped copy: the last GTID of its last binary log (mariadb-binlog), or of the Gtid list it starts with. */
    private ReplicaStatus onDisk(MariadbControl.Spec s, Deadline d) throws InterruptedException {
        if (!Files.isDirectory(s.dataDir().resolve("mysql"))) {
            return ReplicaStatus.stopped(Optional.empty(), "no data directory at " + s.dataDir());
        }
        try {
            Optional<Path> last = lastBinlog(s.dataDir());
            if (last.isEmpty()) {
                return ReplicaStatus.stopped(Optional.empty(), "stopped; no binary log index in " + s.dataDir()
                        + " (log-bin elsewhere or off): position unknown");
            }
            Path bin = s.mariadbd().getParent().getParent().resolve("bin");
            Path out = Files.createTempFile("duplex-mdbbinlog", ".txt");
            try {
                String failed = run(List.of(tool(bin, "mariadb-binlog"), "--no-defaults", last.get().toString()), null,
                        out, d);
                if (failed != null) {
                    return ReplicaStatus.stopped(Optional.empty(), "stopped; mariadb-binlog " + last.get() + ": "
                            + failed);
                }
                Optional<Gtid> g = lastGtid(out);
                long domain = g.map(Gtid::domain).orElse(0L);
                ReplicationPosition p = g.map(Gtid::position).orElse(Gtid.empty(domain));
                return ReplicaStatus.stopped(Optional.of(p), "stopped, last transaction in " + last.get().getFileName()
                        + ": " + p.text());
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return ReplicaStatus.stopped(Optional.empty(), "stopped; cannot read its binary log: " + e.getMessage());
        }
    }

    /** The last file named in the data directory's binlog index ({@code *.index} naming {@code *.0000NN}). */
    static Optional<Path> lastBinlog(Path dataDir) throws IOException {
        List<Path> indexes;
        try (Stream<Path> l = Files.list(dataDir)) {
            indexes = l.filter(p -> p.getFileName().toString().endsWith(".index")
                    && !p.getFileName().toString().contains("relay")).sorted().toList();
        }
        for (Path idx : indexes) {
            List<String> lines = Files.readAllLines(idx, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(x -> x.matches(".*\\.\\d{6}")).toList();
            if (!lines.isEmpty()) {
                Path f = Path.of(lines.get(lines.size() - 1));
                return Optional.of(f.isAbsolute() ? f : dataDir.resolve(f).normalize());
            }
        }
        return Optional.empty();
    }

    /** The last GTID mariadb-binlog printed, else the last of the file's "Gtid list" (the state at its start). */
    static Optional<Gtid> lastGtid(Path binlogText) throws IOException {
        Gtid last = null;
        Gtid listed = null;
        try (BufferedReader r = Files.newBufferedReader(binlogText, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("#")) {
                    continue;
                }
                Matcher m = BINLOG_GTID.matcher(line);
                if (m.find()) {
                    last = Gtid.parseList(m.group(1)).get(0);
                    continue;
                }
                Matcher l = BINLOG_LIST.matcher(line);
                if (l.find()) {
                    listed = Gtid.parseList(l.group(1)).stream().reduce((a, b) -> a.seq() >= b.seq() ? a : b)
                            .orElse(listed);
                }
            }
        }
        return Optional.ofNullable(last != null ? last : listed);
    }

    // ---------------------------------------------------------------------------------------------- monitor

    /**
     * The shared-storage monitor, then the replication state in its reason; a replica whose SQL thread stopped on
     * an error fails (it applies nothing more until someone acts).
     */
    OperationResult monitor(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        Deadline d = Deadline.within(timeout);
        OperationResult base = control.monitor(params, d.remaining());
        if (!base.isSuccess()) {
            return base;
        }
        MariadbControl.Spec s = MariadbControl.parse(params, new ArrayList<>());
        try {
            Info i = Jdbc.with(s.connect(), MariadbControl.shorter(s.connect().connectTimeout(), d.remaining()),
                    MariadbReplication::info);
            if (i.primary()) {
                return OperationResult.success(base.reason() + "; primary at " + i.position().text() + semiText(i),
                        since(t0));
            }
            if (i.slave().isEmpty()) {
                return OperationResult.success(base.reason() + "; read-only, replicating from nobody", since(t0));
            }
            Slave sl = i.slave().get();
            String text = base.reason() + "; replica of " + sl.host() + ":" + sl.port() + ": " + replicaText(i);
            if (!"Yes".equals(sl.sql()) && !sl.sqlError().isEmpty()) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, text, since(t0));
            }
            return OperationResult.success(text, since(t0));
        } catch (DbException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, base.reason() + " but its replication state cannot be"
                    + " read: " + e.getMessage(), since(t0));
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static OperationResult failed(DbException e, String prefix, long t0) {
        OcfStatus st = switch (e.kind()) {
            case AUTHENTICATION -> OcfStatus.ERR_CONFIGURED;
            case TIMEOUT -> OcfStatus.TIMEOUT;
            default -> OcfStatus.ERR_GENERIC;
        };
        return OperationResult.of(st, prefix + e.getMessage(), since(t0));
    }

    /** An SQL string literal for MariaDB (backslash escapes on): ' and \ escaped. */
    static String quote(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
