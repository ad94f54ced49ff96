package org.duplex.plugin.postgresql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.duplex.api.backup.BackupSource;
import org.duplex.plugin.support.Credentials;
import org.osgi.service.component.annotations.Component;

/**
 * Backups of a {@code postgresql} resource for the backup plug-in's jobs, as streams.
 * <ul>
 * <li>{@code dump} (default): {@code pg_dump -Fc -Z0} (uncompressed, for restic's deduplication) of one database (the job's {@code database-name}, else the
 * resource's {@code database}), consistent by PostgreSQL's own snapshot, while the server runs; restored with
 * {@code pg_restore --create --clean --if-exists --exit-on-error} (the database is dropped and created again, so
 * restoring into the live server needs its sessions gone; a fresh server just gets it).</li>
 * <li>{@code basebackup}: {@code pg_basebackup -Ft -X fetch -D -}, the whole cluster as one tar with the WAL needed
 * to start from it; restored by unpacking into an empty {@code data-dir} ({@code tar -x}, as the OS user), then
 * starting a server on it.</li>
 * </ul>
 * The server is reached through {@code socket-dir} when set (peer or trust authentication, as the OS user), else
 * over TCP with the password of {@code password-file} handed to the tools in PGPASSWORD, never in argv.
 */
@Component(service = BackupSource.class, property = BackupSource.RESOURCE_TYPE + "=" + PgControl.TYPE)
public class PgBackupSource implements BackupSource {

    static final String DUMP = "dump";
    static final String BASEBACKUP = "basebackup";
    private static final Set<String> OPTIONS = Set.of("database-name");
    private static final Pattern DB_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

    @Override
    public String resourceType() {
        return PgControl.TYPE;
    }

    @Override
    public List<String> modes() {
        return List.of(DUMP, BASEBACKUP);
    }

    @Override
    public List<String> validate(StreamRequest request) {
        List<String> problems = new ArrayList<>();
        PgControl.Spec s = PgControl.parse(request.resourceParams(), problems);
        if (!modes().contains(request.mode())) {
            problems.add("database-mode: '" + request.mode() + "' is not one of " + modes());
        }
        for (String k : request.options().keySet()) {
            if (!OPTIONS.contains(k)) {
                problems.add(k + ": not an option of postgresql backups (known: " + OPTIONS + ")");
            }
        }
        String db = request.options().get("database-name");
        if (db != null && !DB_NAME.matcher(db).matches()) {
            problems.add("database-name: '" + db + "' is not a PostgreSQL database name");
        }
        if (s != null && s.connect().passwordFile().isPresent()) {
            try {
                Credentials.readPassword(s.connect().passwordFile().get());
            } catch (Credentials.RefusedException e) {
                problems.add("password-file: " + e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public StreamCommand dump(StreamRequest request) {
        PgControl.Spec s = spec(request);
        List<String> argv = new ArrayList<>(PgControl.asOsUser(s.osUser()));
        String db = database(request, s);
        if (BASEBACKUP.equals(request.mode())) {
            argv.addAll(List.of(tool(s, "pg_basebackup"), "-D", "-", "-Ft", "-X", "fetch", "--checkpoint=fast"));
            argv.addAll(target(s));
            return new StreamCommand(argv, env(s), "postgresql-" + s.port() + "-basebackup.tar",
                    "pg_basebackup of the cluster at " + where(s));
        }
        // -Z0: uncompressed, so restic's content-defined chunks dedup unchanged tables between dumps (restic
        // compresses what it stores); a compressed dump differs everywhere after the first change
        argv.addAll(List.of(tool(s, "pg_dump"), "-Fc", "-Z0", "-d", db));
        argv.addAll(target(s));
        return new StreamCommand(argv, env(s), "postgresql-" + db + ".dump", "pg_dump -Fc of " + db + " at "
                + where(s));
    }

    @Override
    public StreamCommand restore(StreamRequest request) {
        PgControl.Spec s = spec(request);
        List<String> argv = new ArrayList<>(PgControl.asOsUser(s.osUser()));
        if (BASEBACKUP.equals(request.mode())) {
            argv.addAll(List.of("tar", "-x", "-C", s.dataDir().toString()));
            return new StreamCommand(argv, Map.of(), "postgresql-" + s.port() + "-basebackup.tar",
                    "unpack a base backup into " + s.dataDir() + " (must be empty; start the server afterwards)");
        }
        String db = database(request, s);
        argv.addAll(List.of(tool(s, "pg_restore"), "--create", "--clean", "--if-exists", "--exit-on-error",
                "-d", "postgres"));
        argv.addAll(target(s));
        return new StreamCommand(argv, env(s), "postgresql-" + db + ".dump", "pg_restore of " + db + " into "
                + where(s));
    }

    private PgControl.Spec spec(StreamRequest request) {
        List<String> problems = validate(request);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return PgControl.parse(request.resourceParams(), new ArrayList<>());
    }

    private static String database(StreamRequest request, PgControl.Spec s) {
        return request.options().getOrDefault("database-name", s.connect().database());
    }

    private static String tool(PgControl.Spec s, String name) {
        return s.binDir().resolve(name).toString();
    }

    private static List<String> target(PgControl.Spec s) {
        String host = s.socketDir().map(Path::toString).orElse(s.connect().host());
        return List.of("-h", host, "-p", Integer.toString(s.port()), "-U", s.connect().user());
    }

    private static String where(PgControl.Spec s) {
        return s.socketDir().map(d -> d + " (socket)").orElse(s.connect().host()) + ":" + s.port();
    }

    private static Map<String, String> env(PgControl.Spec s) {
        Map<String, String> env = new HashMap<>();
        env.put("PGCONNECT_TIMEOUT", Long.toString(Math.max(1, s.connect().connectTimeout().toSeconds())));
        if (s.socketDir().isEmpty() && s.connect().passwordFile().isPresent()) {
            try {
                env.put("PGPASSWORD", new String(Credentials.readPassword(s.connect().passwordFile().get())));
            } catch (Credentials.RefusedException e) {
                throw new IllegalArgumentException("password-file: " + e.getMessage(), e);
            }
        }
        return env;
    }
}
