package org.duplex.plugin.mariadb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.backup.BackupSource;
import org.duplex.plugin.support.Credentials;
import org.osgi.service.component.annotations.Component;

/**
 * Backups of a {@code mariadb} resource for the backup plug-in's jobs: mode {@code dump}, a logical dump of one
 * database ({@code mariadb-dump --single-transaction}: a consistent InnoDB snapshot without locking writers, with
 * routines, events and triggers, and {@code --add-drop-database} so a restore replaces the database as it was),
 * restored by feeding it to the {@code mariadb} client.
 *
 * <p>The monitoring account ({@code user}, default {@code duplex}) holds only PROCESS and SLAVE MONITOR, so dumps
 * use their own account: job options {@code database-user} and {@code database-password-file} (mode 0600); without
 * them the tools connect through the server's socket as MariaDB's {@code root}, which Debian authenticates by the
 * OS user (unix_socket) — Duplex runs as root. A password reaches the tools in MYSQL_PWD, never in argv.
 */
@Component(service = BackupSource.class, property = BackupSource.RESOURCE_TYPE + "=" + MariadbControl.TYPE)
public class MariadbBackupSource implements BackupSource {

    static final String DUMP = "dump";
    static final String DUMP_TOOL = "/usr/bin/mariadb-dump";
    static final String CLIENT = "/usr/bin/mariadb";
    private static final Set<String> OPTIONS = Set.of("database-name", "database-user", "database-password-file");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.$@-]{1,80}");

    @Override
    public String resourceType() {
        return MariadbControl.TYPE;
    }

    @Override
    public List<String> modes() {
        return List.of(DUMP);
    }

    @Override
    public List<String> validate(StreamRequest request) {
        List<String> problems = new ArrayList<>();
        MariadbControl.parse(request.resourceParams(), problems);
        if (!modes().contains(request.mode())) {
            problems.add("database-mode: '" + request.mode() + "' is not one of " + modes()
                    + " (physical backups of MariaDB need mariabackup, not offered)");
        }
        for (String k : request.options().keySet()) {
            if (!OPTIONS.contains(k)) {
                problems.add(k + ": not an option of mariadb backups (known: " + OPTIONS + ")");
            }
        }
        String db = request.options().get("database-name");
        if (db == null) {
            problems.add("database-name: required for mariadb backups (the database to dump)");
        } else if (!NAME.matcher(db).matches()) {
            problems.add("database-name: '" + db + "' is not a MariaDB database name");
        }
        String user = request.options().get("database-user");
        if (user != null && !USER.matcher(user).matches()) {
            problems.add("database-user: '" + user + "' is not an account name");
        }
        String pw = request.options().get("database-password-file");
        if (pw != null) {
            if (user == null) {
                problems.add("database-password-file: only with database-user");
            }
            try {
                Credentials.readPassword(java.nio.file.Path.of(pw));
            } catch (Credentials.RefusedException | java.nio.file.InvalidPathException e) {
                problems.add("database-password-file: " + e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public StreamCommand dump(StreamRequest request) {
        MariadbControl.Spec s = spec(request);
        String db = request.options().get("database-name");
        List<String> argv = new ArrayList<>(List.of(DUMP_TOOL));
        argv.addAll(connection(s, request));
        argv.addAll(List.of("--single-transaction", "--routines", "--events", "--triggers", "--add-drop-database",
                "--databases", db));
        return new StreamCommand(argv, env(request), "mariadb-" + db + ".sql",
                "mariadb-dump of " + db + " at " + s.socket());
    }

    @Override
    public StreamCommand restore(StreamRequest request) {
        MariadbControl.Spec s = spec(request);
        String db = request.options().get("database-name");
        List<String> argv = new ArrayList<>(List.of(CLIENT));
        argv.addAll(connection(s, request));
        argv.add("--batch");
        return new StreamCommand(argv, env(request), "mariadb-" + db + ".sql",
                "mariadb restore of " + db + " into " + s.socket());
    }

    private MariadbControl.Spec spec(StreamRequest request) {
        List<String> problems = validate(request);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return MariadbControl.parse(request.resourceParams(), new ArrayList<>());
    }

    private static List<String> connection(MariadbControl.Spec s, StreamRequest request) {
        // --no-defaults first: a stray ~/.my.cnf of the account Duplex runs as must not change where we connect.
        // (No connect timeout: mariadb-dump has none; the job's backup-timeout bounds the whole stream.)
        return List.of("--no-defaults", "--socket=" + s.socket(), "--protocol=socket",
                "--user=" + Optional.ofNullable(request.options().get("database-user")).orElse("root"));
    }

    private static Map<String, String> env(StreamRequest request) {
        Map<String, String> env = new HashMap<>();
        String pw = request.options().get("database-password-file");
        if (pw != null) {
            try {
                env.put("MYSQL_PWD", new String(Credentials.readPassword(java.nio.file.Path.of(pw))));
            } catch (Credentials.RefusedException e) {
                throw new IllegalArgumentException("database-password-file: " + e.getMessage(), e);
            }
        }
        return env;
    }
}
