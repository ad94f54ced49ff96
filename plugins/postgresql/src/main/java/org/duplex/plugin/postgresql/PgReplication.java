package org.duplex.plugin.postgresql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ReplicaStatus;
import org.duplex.api.agent.ReplicationPosition;
import org.duplex.plugin.support.Credentials;
import org.duplex.plugin.support.Deadline;
import org.duplex.plugin.support.Exec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication mode of the {@code postgresql} agent: the roles of a promotable resource (see
 * {@link org.duplex.api.agent.PromotableAgent}) with PostgreSQL 15 streaming replication.
 *
 * <ul>
 * <li><b>follow NODE</b>: a running standby is pointed at NODE ({@code ALTER SYSTEM SET primary_conninfo} and a
 * reload: no restart); a stopped copy becomes a standby of NODE: an empty or missing data directory is cloned with
 * {@code pg_basebackup -R}, a former primary (no {@code standby.signal}) is rewound onto NODE's history with
 * {@code pg_rewind -R} (needs {@code wal_log_hints = on} or data checksums), a former standby gets NODE's
 * {@code primary_conninfo}; then {@code standby.signal}, start, and a check that it is in recovery. A running
 * primary is refused: the engine stops it first.</li>
 * <li><b>promote</b>: {@code SELECT pg_promote(true, T)} and a {@code CHECKPOINT} (so that its control file names
 * the new timeline, which pg_rewind of the old primary reads), then {@code synchronous-standby-names} if given
 * (see {@link #reconcileSynchronous}: only while a standby streams).</li>
 * <li><b>start</b> (as primary): removes {@code standby.signal} so that the copy ends recovery, starts it, applies
 * {@code synchronous-standby-names}.</li>
 * <li><b>status</b>: role and position. Primary: {@code pg_current_wal_lsn()} on the timeline of its current WAL
 * file; standby: the larger of {@code pg_last_wal_receive_lsn()} and {@code pg_last_wal_replay_lsn()} on the
 * timeline it receives (or of its last restartpoint); stopped: the end of the last checkpoint (or the minimum
 * recovery point, if later) from {@code pg_controldata}.</li>
 * </ul>
 * The replication password is the {@code password-file}'s; it goes into {@code postgresql.auto.conf} (mode 0600,
 * the server's own), as {@code pg_basebackup -R} would write it, and into no message or log line.
 */
final class PgReplication {

    private static final Logger LOG = LoggerFactory.getLogger(PgReplication.class);
    private static final Pattern CONTROL_LINE = Pattern.compile("^([^:]+):\\s*(.*)$", Pattern.MULTILINE);
    private static final Pattern CONNINFO_KV = Pattern.compile("(\\w+)=('(?:[^'\\\\]|\\\\.)*'|\\S+)");
    static final String UNIT = "bytes of WAL";
    /** As root, files written into the data directory are given to the server's OS user. */
    private static final boolean RUN_AS_ROOT = "root".equals(System.getProperty("user.name"));

    private final PgControl control = new PgControl();

    /** Where a node's copy is reached. */
    record Peer(String host, int port) {
    }

    /** {@code hosts=node1:10.0.0.1,node2:10.0.0.2:5433}: node to host and port (the resource's port by default). */
    static Map<String, Peer> peers(Map<String, String> params, int defaultPort, List<String> problems) {
        Map<String, Peer> out = new LinkedHashMap<>();
        org.duplex.api.agent.PeerHosts.parse(params, defaultPort, problems)
                .forEach((node, a) -> out.put(node, new Peer(a.host(), a.port())));
        return out;
    }

    List<String> validate(Map<String, String> params) {
        List<String> problems = control.validate(params);
        peers(params, 5432, problems);
        String sync = params.get("synchronous-standby-names");
        if (sync != null && (sync.contains("'") || sync.contains("\\") || sync.contains("\n"))) {
            problems.add("synchronous-standby-names: no quotes, backslashes or line breaks, was '" + sync + "'");
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------- start

    OperationResult startPrimary(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = validate(params);
        PgControl.Spec s = PgControl.parse(params, new ArrayList<>());
        if (!problems.isEmpty() || s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Deadline d = Deadline.within(timeout);
        Path signal = s.dataDir().resolve("standby.signal");
        boolean wasStandby = Files.exists(signal);
        try {
            if (wasStandby && liveRole(s, d).orElse(true)) {
                // running as a standby: the engine promotes a standby, it does not start one as a primary
                Optional<Long> pid = Postmaster.live(s.dataDir());
                if (pid.isPresent()) {
                    return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot start as a primary: postgresql in "
                            + s.dataDir() + " runs as a standby (postmaster " + pid.get() + "); promote it instead",
                            since(t0));
                }
            }
            Files.deleteIfExists(signal);
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot remove " + signal + ": " + e.getMessage(), since(t0));
        }
        OperationResult started = control.start(params, d.remaining());
        if (!started.isSuccess()) {
            return started;
        }
        Optional<String> sync = applySynchronous(params, s, d);
        if (sync.isPresent() && sync.get().startsWith("!")) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, started.reason() + "; " + sync.get().substring(1),
                    since(t0));
        }
        return OperationResult.success("primary: " + started.reason() + (wasStandby ? " (was a standby: "
                + "standby.signal removed, recovery ended)" : "") + sync.map(x -> "; " + x).orElse("")
                + mode(params), since(t0));
    }

    // ---------------------------------------------------------------------------------------------- promote

    OperationResult promote(Map<String, String> params, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = validate(params);
        PgControl.Spec s = PgControl.parse(params, new ArrayList<>());
        if (!problems.isEmpty() || s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Deadline d = Deadline.within(timeout);
        try {
            if (Postmaster.live(s.dataDir()).isEmpty()) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "cannot promote: no postgresql runs in "
                        + s.dataDir() + " (start it as a standby first)", since(t0));
            }
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot read " + s.dataDir() + ": " + e.getMessage(),
                    since(t0));
        }
        long waitSecs = Math.max(1, d.remaining().toSeconds() - 1);
        String outcome;
        try {
            outcome = Jdbc.with(s.connect(), d.remaining(), c -> {
                try (Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            return "already a primary";
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT pg_promote(true, " + waitSecs + ")")) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            return null;
                        }
                    }
                    // the control file names the new timeline only after a checkpoint: without it pg_rewind of
                    // the old primary against this one finds "the same timeline" and rewinds nothing
                    st.execute("CHECKPOINT");
                    return "promoted";
                }
            });
        } catch (PgException e) {
            return OperationResult.of(e.kind() == PgException.Kind.TIMEOUT ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC,
                    "cannot promote postgresql in " + s.dataDir() + ": " + e.getMessage(), since(t0));
        }
        if (outcome == null) {
            return OperationResult.of(OcfStatus.TIMEOUT, "postgresql in " + s.dataDir() + " did not finish its "
                    + "promotion within " + waitSecs + " s (pg_promote returned false)", since(t0));
        }
        Optional<String> sync = applySynchronous(params, s, d);
        ReplicaStatus now = status(params, d.remaining());
        String where = now.position().map(p -> " at " + p.text()).orElse("");
        if (sync.isPresent() && sync.get().startsWith("!")) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, outcome + where + "; " + sync.get().substring(1),
                    since(t0));
        }
        LOG.info("postgresql {}: {}{}", s.dataDir(), outcome, where);
        return OperationResult.success(outcome + where + sync.map(x -> "; " + x).orElse("") + mode(params),
                since(t0));
    }

    // ---------------------------------------------------------------------------------------------- follow

    OperationResult follow(Map<String, String> params, String primaryNode, Duration timeout)
            throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> problems = validate(params);
        PgControl.Spec s = PgControl.parse(params, new ArrayList<>());
        if (!problems.isEmpty() || s == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        Peer peer = peers(params, s.port(), new ArrayList<>()).get(primaryNode);
        if (peer == null) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, "hosts: no address for node " + primaryNode
                    + " (hosts=" + params.getOrDefault("hosts", "") + ")", since(t0));
        }
        Deadline d = Deadline.within(timeout);
        String who = primaryNode + " (" + peer.host() + ":" + peer.port() + ")";
        String prepared;
        try {
            if (Postmaster.live(s.dataDir()).isPresent()) {
                return repoint(s, peer, who, d, t0);
            }
            if (!Files.exists(s.dataDir().resolve("PG_VERSION"))) {
                Optional<String> failed = baseBackup(s, peer, who, d);
                if (failed.isPresent()) {
                    return OperationResult.of(d.passed() ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC, failed.get(),
                            since(t0));
                }
                prepared = "cloned from " + who + " with pg_basebackup";
            } else if (!Files.exists(s.dataDir().resolve("standby.signal"))) {
                PgControl.clearStalePid(s, d);
                Optional<String> failed = rewind(s, peer, who, d);
                if (failed.isPresent()) {
                    return OperationResult.of(d.passed() ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC, failed.get(),
                            since(t0));
                }
                prepared = "former primary rewound onto " + who + " with pg_rewind";
            } else {
                prepared = "standby pointed at " + who;
            }
            writeConninfo(s, peer);
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot prepare " + s.dataDir() + " as a standby of " + who
                    + ": " + e.getMessage(), since(t0));
        }
        OperationResult started = control.start(params, d.remaining());
        if (!started.isSuccess()) {
            return OperationResult.of(started.status(), "standby of " + who + " did not start: "
                    + started.reason(), since(t0));
        }
        Optional<Boolean> standby = liveRole(s, d);
        if (standby.isPresent() && !standby.get()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "postgresql in " + s.dataDir() + " started but is not "
                    + "in recovery: it is no standby of " + who, since(t0));
        }
        LOG.info("postgresql {}: standby of {} ({})", s.dataDir(), who, prepared);
        return OperationResult.success("standby of " + who + ": " + prepared + "; " + started.reason(), since(t0));
    }

    private OperationResult repoint(PgControl.Spec s, Peer peer, String who, Deadline d, long t0)
            throws InterruptedException {
        String conninfo = conninfo(s, peer);
        try {
            String done = Jdbc.with(s.connect(), d.remaining(), c -> {
                try (Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), "
                            + "current_setting('primary_conninfo')")) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            return null;
                        }
                        Map<String, String> now = parseConninfo(rs.getString(2));
                        if (peer.host().equals(now.get("host")) && Integer.toString(peer.port()).equals(now.get("port"))) {
                            return "already a standby of " + who;
                        }
                    }
                    st.execute("ALTER SYSTEM SET primary_conninfo = " + quote(conninfo));
                    st.execute("SELECT pg_reload_conf()");
                    return "running standby pointed at " + who + " (primary_conninfo reloaded)";
                }
            });
            if (done == null) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "postgresql in " + s.dataDir() + " runs as a "
                        + "primary: it must be stopped before it can follow " + who, since(t0));
            }
            return OperationResult.success(done, since(t0));
        } catch (PgException e) {
            return OperationResult.of(e.kind() == PgException.Kind.TIMEOUT ? OcfStatus.TIMEOUT : OcfStatus.ERR_GENERIC,
                    "cannot point postgresql in " + s.dataDir() + " at " + who + ": " + e.getMessage(), since(t0));
        }
    }

    private Optional<String> baseBackup(PgControl.Spec s, Peer peer, String who, Deadline d)
            throws IOException, InterruptedException {
        if (Files.isDirectory(s.dataDir())) {
            try (var entries = Files.list(s.dataDir())) {
                if (entries.findAny().isPresent()) {
                    return Optional.of("cannot clone " + who + " into " + s.dataDir() + ": it is not empty and not a "
                            + "data directory (no PG_VERSION); empty it or point data-dir elsewhere");
                }
            }
        }
        List<String> argv = new ArrayList<>(PgControl.asOsUser(s.osUser()));
        argv.addAll(List.of(s.binDir().resolve("pg_basebackup").toString(), "-h", peer.host(), "-p",
                Integer.toString(peer.port()), "-U", s.connect().user(), "-D", s.dataDir().toString(), "-X", "stream",
                "-c", "fast", "-w"));
        return runTool(argv, s, d, "pg_basebackup from " + who);
    }

    private Optional<String> rewind(PgControl.Spec s, Peer peer, String who, Deadline d)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(PgControl.asOsUser(s.osUser()));
        argv.addAll(List.of(s.binDir().resolve("pg_rewind").toString(), "--target-pgdata=" + s.dataDir(),
                "--source-server=host=" + peer.host() + " port=" + peer.port() + " user=" + s.connect().user()
                        + " dbname=" + s.connect().database() + " connect_timeout="
                        + Math.max(2, Math.min(10, d.remaining().toSeconds()))));
        return runTool(argv, s, d, "pg_rewind of the former primary onto " + who);
    }

    /** Runs a tool that connects to the primary, with the password in its environment only. */
    private Optional<String> runTool(List<String> argv, PgControl.Spec s, Deadline d, String what)
            throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        Optional<char[]> pw = password(s);
        pw.ifPresent(p -> env.put("PGPASSWORD", new String(p)));
        pw.ifPresent(p -> Arrays.fill(p, '\0'));
        Exec.Result r = Exec.run(argv, env, d);
        if (r.timedOut()) {
            return Optional.of(what + " did not finish within " + PgHealthCheck.seconds(d.budget())
                    + " (killed at the timeout)");
        }
        if (r.exit() != 0) {
            List<String> lines = (r.stderr() + "\n" + r.stdout()).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.contains("PGPASSWORD")).toList();
            // the tool's own errors, not the LOG lines of the single-user recovery pg_rewind runs first
            List<String> errors = lines.stream().filter(l -> l.contains("error:") || l.contains("FATAL")
                    || l.contains("detail:") || l.contains("hint:")).toList();
            String says = String.join("; ", errors.isEmpty() ? lines : errors);
            says = says.isEmpty() ? "(no output)" : says;
            return Optional.of(what + " failed (exit " + r.exit() + "): " + says);
        }
        LOG.info("{}: {}", what, (r.stderr() + "\n" + r.stdout()).lines().map(String::strip)
                .filter(l -> l.startsWith("pg_rewind:") || l.startsWith("pg_basebackup:")).toList());
        return Optional.empty();
    }

    private Optional<char[]> password(PgControl.Spec s) throws IOException {
        if (s.connect().passwordFile().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Credentials.readPassword(s.connect().passwordFile().get()));
        } catch (Credentials.RefusedException e) {
            throw new IOException(e.getMessage());
        }
    }

    private String conninfo(PgControl.Spec s, Peer peer) {
        StringBuilder sb = new StringBuilder("host=").append(peer.host()).append(" port=").append(peer.port())
                .append(" user=").append(s.connect().user());
        try {
            Optional<char[]> pw = password(s);
            if (pw.isPresent()) {
                sb.append(" password=").append(connValue(new String(pw.get())));
                Arrays.fill(pw.get(), '\0');
            }
        } catch (IOException e) {
            // no password: the standby's connection fails and says so in its log and in status
        }
        return sb.append(" application_name=duplex").toString();
    }

    /** primary_conninfo and standby.signal in the stopped data directory, owned by the server's user. */
    private void writeConninfo(PgControl.Spec s, Peer peer) throws IOException, InterruptedException {
        Path auto = s.dataDir().resolve("postgresql.auto.conf");
        List<String> lines = new ArrayList<>();
        if (Files.exists(auto)) {
            for (String l : Files.readAllLines(auto)) {
                if (!l.strip().startsWith("primary_conninfo")) {
                    lines.add(l);
                }
            }
        }
        lines.add("primary_conninfo = " + confQuote(conninfo(s, peer)));
        Files.writeString(auto, String.join("\n", lines) + "\n");
        Path signal = s.dataDir().resolve("standby.signal");
        if (!Files.exists(signal)) {
            Files.writeString(signal, "");
        }
        if (RUN_AS_ROOT) {
            Exec.run(List.of("chown", s.osUser() + ":", auto.toString(), signal.toString()), Map.of(),
                    Deadline.within(Duration.ofSeconds(5)));
        }
    }

    /**
     * Applies {@code synchronous-standby-names} on the primary (see {@link #reconcileSynchronous}); empty when the
     * parameter is not given, "!..." on failure.
     */
    private Optional<String> applySynchronous(Map<String, String> params, PgControl.Spec s, Deadline d)
            throws InterruptedException {
        String names = params.get("synchronous-standby-names");
        if (names == null || names.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Jdbc.with(s.connect(), d.remaining(), c -> reconcileSynchronous(c, names.strip())
                    .described()));
        } catch (PgException e) {
            return Optional.of("!cannot set synchronous_standby_names: " + e.getMessage());
        }
    }

    /** What {@link #reconcileSynchronous} found and did. */
    record SyncChange(boolean changed, boolean streaming, String names) {
        String described() {
            return streaming ? "synchronous_standby_names = '" + names + "'"
                    : "synchronous_standby_names = '' until a standby streams (then '" + names + "'): no standby "
                    + "is connected, and every commit would wait for one";
        }
    }

    /**
     * Synchronous replication that a lone primary survives: {@code synchronous_standby_names} is NAMES while at
     * least one standby streams, and '' while none does (a promoted standby whose old primary is dead, a primary
     * whose standby died): otherwise every commit of the group's only server would wait for a standby that is not
     * there, which in a two-node cluster is every failover. Called at start, at promotion and at every status of
     * the primary (each monitor interval), so the setting follows the standbys within one interval; a change is
     * {@code ALTER SYSTEM} + {@code pg_reload_conf()} (commits waiting for a vanished standby are released by it).
     * The price, as with any such degradation: commits acknowledged while no standby streams are on the primary
     * only.
     */
    static SyncChange reconcileSynchronous(Connection c, String names) throws SQLException {
        String current;
        boolean streaming;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting("
                + "'synchronous_standby_names'), EXISTS (SELECT 1 FROM pg_stat_replication WHERE state = 'streaming')")) {
            rs.next();
            current = rs.getString(1);
            streaming = rs.getBoolean(2);
        }
        String want = streaming ? names : "";
        if (want.equals(current == null ? "" : current.strip())) {
            return new SyncChange(false, streaming, names);
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = " + quote(want));
            st.execute("SELECT pg_reload_conf()");
        }
        return new SyncChange(true, streaming, names);
    }

    private static String mode(Map<String, String> params) {
        String names = params.get("synchronous-standby-names");
        return names == null || names.isBlank() ? " (asynchronous replication: a failover can lose the last "
                + "commits the standbys had not received)" : " (synchronous replication)";
    }

    // ---------------------------------------------------------------------------------------------- status

    ReplicaStatus status(Map<String, String> params, Duration timeout) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        PgControl.Spec s = PgControl.parse(params, problems);
        if (s == null) {
            return ReplicaStatus.stopped(Optional.empty(), String.join("; ", problems));
        }
        Deadline d = Deadline.within(timeout);
        Map<String, Peer> peers = peers(params, s.port(), new ArrayList<>());
        Optional<Long> pid;
        try {
            pid = Postmaster.live(s.dataDir());
        } catch (IOException e) {
            return ReplicaStatus.stopped(Optional.empty(), "cannot read " + s.dataDir() + ": " + e.getMessage());
        }
        if (pid.isEmpty()) {
            return onDisk(s, d);
        }
        try {
            return Jdbc.with(s.connect(), PgControl.shorter(s.connect().connectTimeout(), d.remaining()), c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(),"
                        + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE (pg_current_wal_lsn() - '0/0')::bigint END,"
                        + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END,"
                        + " (pg_last_wal_receive_lsn() - '0/0')::bigint, (pg_last_wal_replay_lsn() - '0/0')::bigint,"
                        + " (SELECT received_tli FROM pg_stat_wal_receiver),"
                        + " (SELECT timeline_id FROM pg_control_checkpoint()),"
                        + " current_setting('primary_conninfo'),"
                        + " (SELECT status FROM pg_stat_wal_receiver)")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        long lsn = rs.getLong(2);
                        long tli = Long.parseLong(rs.getString(3).substring(0, 8), 16);
                        String sync = "";
                        String names = params.get("synchronous-standby-names");
                        if (names != null && !names.isBlank()) {
                            SyncChange change = reconcileSynchronous(c, names.strip());
                            sync = "; " + change.described();
                            if (change.changed()) {
                                if (change.streaming()) {
                                    LOG.info("postgresql {}: a standby streams: synchronous replication resumed ({})",
                                            s.dataDir(), change.described());
                                } else {
                                    LOG.warn("postgresql {}: no standby streams: synchronous replication suspended"
                                            + " ({}); commits are on this primary only until one does",
                                            s.dataDir(), change.described());
                                }
                            }
                        }
                        return new ReplicaStatus(ReplicaStatus.Role.PRIMARY, Optional.of(position(tli, lsn)),
                                Optional.empty(), "primary at " + lsnText(lsn) + " on timeline " + tli + sync);
                    }
                    long received = rs.getLong(4);
                    long replayed = rs.getLong(5);
                    long receivedTli = rs.getLong(6);
                    long tli = rs.wasNull() ? rs.getLong(7) : receivedTli;
                    long lsn = Math.max(received, replayed);
                    Map<String, String> ci = parseConninfo(rs.getString(8));
                    String host = ci.getOrDefault("host", "");
                    String port = ci.getOrDefault("port", Integer.toString(s.port()));
                    Optional<String> following = peers.entrySet().stream().filter(e -> e.getValue().host()
                            .equals(host) && Integer.toString(e.getValue().port()).equals(port)).map(Map.Entry::getKey)
                            .findFirst();
                    String receiver = rs.getString(9);
                    return new ReplicaStatus(ReplicaStatus.Role.STANDBY, Optional.of(position(tli, lsn)), following,
                            "standby of " + following.orElse(host + ":" + port) + " ("
                            + (receiver == null ? "not streaming" : receiver) + "), received " + lsnText(received)
                            + ", replayed " + lsnText(replayed) + " on timeline " + tli);
                }
            });
        } catch (PgException e) {
            ReplicaStatus.Role role = Files.exists(s.dataDir().resolve("standby.signal")) ? ReplicaStatus.Role.STANDBY
                    : ReplicaStatus.Role.PRIMARY;
            return new ReplicaStatus(role, Optional.empty(), Optional.empty(), "postmaster " + pid.get()
                    + " runs but its position is unknown: " + e.getMessage());
        }
    }

    /** The position of a stopped copy: its last checkpoint, or its minimum recovery point if later. */
    private ReplicaStatus onDisk(PgControl.Spec s, Deadline d) throws InterruptedException {
        if (!Files.exists(s.dataDir().resolve("PG_VERSION"))) {
            return ReplicaStatus.stopped(Optional.empty(), "no data directory at " + s.dataDir());
        }
        List<String> argv = new ArrayList<>(PgControl.asOsUser(s.osUser()));
        argv.addAll(List.of(s.binDir().resolve("pg_controldata").toString(), "-D", s.dataDir().toString()));
        Exec.Result r;
        try {
            r = Exec.run(argv, Map.of("LC_ALL", "C"), d);
        } catch (IOException e) {
            return ReplicaStatus.stopped(Optional.empty(), "cannot run pg_controldata: " + e.getMessage());
        }
        if (r.exit() != 0 || r.timedOut()) {
            return ReplicaStatus.stopped(Optional.empty(), "pg_controldata failed: " + r.firstLine());
        }
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = CONTROL_LINE.matcher(r.stdout());
        while (m.find()) {
            f.put(m.group(1).strip(), m.group(2).strip());
        }
        try {
            long lsn = parseLsn(f.get("Latest checkpoint location"));
            long tli = Long.parseLong(f.get("Latest checkpoint's TimeLineID"));
            long minRecovery = parseLsn(f.getOrDefault("Minimum recovery ending location", "0/0"));
            long minTli = Long.parseLong(f.getOrDefault("Min recovery ending loc's timeline", "0"));
            if (minTli > tli || minTli == tli && minRecovery > lsn) {
                lsn = minRecovery;
                tli = minTli;
            }
            return ReplicaStatus.stopped(Optional.of(position(tli, lsn)), "stopped (" + f.get("Database cluster state")
                    + "), data at " + lsnText(lsn) + " on timeline " + tli);
        } catch (RuntimeException e) {
            return ReplicaStatus.stopped(Optional.empty(), "cannot read pg_controldata's output: " + e.getMessage());
        }
    }

    /** True when the running server is in recovery (a standby); empty when it cannot be asked. */
    private static Optional<Boolean> liveRole(PgControl.Spec s, Deadline d) throws InterruptedException {
        try {
            return Optional.of(Jdbc.with(s.connect(), PgControl.shorter(s.connect().connectTimeout(), d.remaining()),
                    c -> {
                        try (Statement st = c.createStatement();
                             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                            rs.next();
                            return rs.getBoolean(1);
                        }
                    }));
        } catch (PgException e) {
            return Optional.empty();
        }
    }

    static ReplicationPosition position(long timeline, long lsn) {
        return new ReplicationPosition(timeline, lsn, UNIT, lsnText(lsn) + " on timeline " + timeline);
    }

    static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    static long parseLsn(String text) {
        String[] parts = text.strip().split("/");
        return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
    }

    static Map<String, String> parseConninfo(String conninfo) {
        Map<String, String> out = new LinkedHashMap<>();
        if (conninfo == null) {
            return out;
        }
        Matcher m = CONNINFO_KV.matcher(conninfo);
        while (m.find()) {
            String v = m.group(2);
            if (v.startsWith("'")) {
                v = v.substring(1, v.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
            }
            out.put(m.group(1), v);
        }
        return out;
    }

    /** A conninfo value: single-quoted, with ' and \ escaped by a backslash. */
    private static String connValue(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** An SQL string literal (standard_conforming_strings: only ' is special). */
    static String quote(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    /** A postgresql.conf string literal, where a backslash escapes too. */
    static String confQuote(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
