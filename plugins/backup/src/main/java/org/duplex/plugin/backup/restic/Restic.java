package org.duplex.plugin.backup.restic;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;

import org.duplex.api.backup.BackupSource;

/**
 * restic, driven as a child process with {@code --json} output parsed by Jackson. Every call has an explicit
 * timeout and is killed (process tree) on timeout or cancel. The password reaches restic only through
 * RESTIC_PASSWORD_FILE; no argument, log line or message carries it.
 */
public final class Restic {

    /** Its own type cache: Jackson's shared default one would keep this plug-in's loader alive after an upgrade. */
    private static final ObjectMapper JSON = new ObjectMapper().setTypeFactory(TypeFactory.defaultInstance()
            .withCache((LookupCache<Object, JavaType>) new LRUMap<Object, JavaType>(16, 200)));

    private final String executable;
    private final Path cacheDir;
    private final ProcessRunner runner;

    /**
     * @param executable the restic binary ("restic" from PATH, or a full path)
     * @param cacheDir   restic's local cache (speeds up listing remote repositories)
     * @param grace      how long restic may take to exit after SIGINT (it removes its lock then) before SIGKILL
     */
    public Restic(String executable, Path cacheDir, Duration grace) {
        this.executable = executable;
        this.cacheDir = cacheDir;
        this.runner = new ProcessRunner(grace);
    }

    /** Creates the repository ({@code restic init}). */
    public void init(Repository repo, Duration timeout) throws ResticException, InterruptedException {
        ProcessRunner.Result r = run(repo, List.of("init"), timeout, line -> { }, null);
        check(repo, "init", r);
    }

    /** Snapshots carrying every tag in {@code tags} (all snapshots when empty), oldest first. */
    public List<Snapshot> snapshots(Repository repo, List<String> tags, Duration timeout)
            throws ResticException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("snapshots", "--json", "--no-lock"));
        if (!tags.isEmpty()) {
            args.add("--tag");
            args.add(String.join(",", tags));
        }
        StringBuilder out = new StringBuilder();
        ProcessRunner.Result r = run(repo, args, timeout, line -> out.append(line).append('\n'), null);
        check(repo, "snapshots", r);
        List<Snapshot> list = new ArrayList<>();
        try {
            JsonNode arr = JSON.readTree(out.toString().isBlank() ? "[]" : out.toString());
            for (JsonNode s : arr) {
                list.add(snapshot(s));
            }
        } catch (IOException e) {
            throw new ResticException("restic snapshots on " + repo.location() + ": unreadable JSON output: "
                    + e.getMessage());
        }
        list.sort(java.util.Comparator.comparing(Snapshot::time));
        return list;
    }

    /**
     * Backs {@code paths} up with {@code tags}. Succeeds only on exit 0 with a summary naming the snapshot: an
     * incomplete snapshot (exit 3, some files unreadable) is a failure and its id is in the message.
     */
    public BackupSummary backup(Repository repo, List<Path> paths, List<String> tags, String host,
                                Duration timeout, Consumer<Progress> progress, ProcessRunner.Cancel cancel)
            throws ResticException, InterruptedException {
        List<String> args = backupArgs(tags, host);
        paths.forEach(p -> args.add(p.toString()));
        BackupOutput o = new BackupOutput(progress);
        ProcessRunner.Result r = run(repo, args, timeout, o::line, cancel);
        return o.summary(repo, r);
    }

    /**
     * Backs up the standard output of {@code source} (a database dump) as one file named {@code source.fileName()}
     * ({@code restic backup --stdin}). A source that fails (non-zero exit, killed) makes the whole backup a
     * failure: the snapshot restic wrote from its partial output is forgotten at once, so nothing half-written
     * ever counts or is offered for a restore.
     */
    public BackupSummary backupStream(Repository repo, BackupSource.StreamCommand source, List<String> tags,
                                      String host, Duration timeout, Consumer<Progress> progress,
                                      ProcessRunner.Cancel cancel) throws ResticException, InterruptedException {
        List<String> args = backupArgs(tags, host);
        args.addAll(List.of("--stdin", "--stdin-filename", source.fileName()));
        BackupOutput o = new BackupOutput(progress);
        ProcessRunner.PipeResult r = runPiped(repo, source, args, timeout, o::line, cancel, true);
        ProcessRunner.Result dump = r.producer();
        if (dump.exitCode() != 0 && !dump.timedOut() && !dump.cancelled()) {
            JsonNode s = o.summary.get();
            String written = s == null ? "" : s.path("snapshot_id").asText();
            String removed = "";
            if (!written.isEmpty()) {
                try {
                    forgetSnapshot(repo, written, Duration.ofMinutes(2));
                    removed = "; the snapshot restic wrote from its partial input (" + written.substring(0,
                            Math.min(8, written.length())) + ") was forgotten";
                } catch (ResticException e) {
                    removed = "; the snapshot restic wrote from its partial input (" + written + ") could NOT be "
                            + "forgotten: " + e.getMessage() + " - forget it by hand";
                }
            }
            throw new ResticException(source.description() + " FAILED (exit " + dump.exitCode() + "): "
                    + (dump.stderr().isBlank() ? "no message" : lastMeaningful(dump.stderr())) + removed
                    + "; not counted as a success");
        }
        return o.summary(repo, r.consumer());
    }

    /**
     * Streams {@code file} of {@code snapshot} ({@code restic dump}) into {@code target}'s standard input (a
     * database restore).
     */
    public void restoreStream(Repository repo, String snapshot, String file, BackupSource.StreamCommand target,
                              Duration timeout, ProcessRunner.Cancel cancel)
            throws ResticException, InterruptedException {
        ProcessRunner.PipeResult r = runPiped(repo, target, List.of("dump", snapshot, "/" + file), timeout,
                line -> { }, cancel, false);
        check(repo, "dump " + snapshot + " /" + file, r.producer());
        ProcessRunner.Result t = r.consumer();
        if (t.exitCode() != 0) {
            throw new ResticException(target.description() + " FAILED (exit " + t.exitCode() + "): "
                    + (t.stderr().isBlank() ? "no message" : lastMeaningful(t.stderr())));
        }
    }

    /** {@code restic forget ID}: removes one snapshot (its data goes at the next prune). */
    public void forgetSnapshot(Repository repo, String id, Duration timeout)
            throws ResticException, InterruptedException {
        ProcessRunner.Result r = run(repo, List.of("forget", id), timeout, line -> { }, null);
        check(repo, "forget " + id, r);
    }

    private static List<String> backupArgs(List<String> tags, String host) {
        List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", host));
        for (String t : tags) {
            args.add("--tag");
            args.add(t);
        }
        return args;
    }

    /** restic backup's --json lines: progress, errors per file, the summary. */
    private static final class BackupOutput {
        final AtomicReference<JsonNode> summary = new AtomicReference<>();
        final List<String> fileErrors = new ArrayList<>();
        final Consumer<Progress> progress;

        BackupOutput(Consumer<Progress> progress) {
            this.progress = progress;
        }

        void line(String line) {
            JsonNode n = parse(line);
            if (n == null) {
                return;
            }
            switch (n.path("message_type").asText()) {
                case "status" -> progress.accept(new Progress(n.path("percent_done").asDouble(),
                        n.path("files_done").asLong(), n.path("total_files").asLong(),
                        n.path("bytes_done").asLong(), n.path("total_bytes").asLong()));
                case "summary" -> summary.set(n);
                case "error" -> {
                    synchronized (fileErrors) {
                        fileErrors.add(n.path("item").asText() + ": " + n.path("error").path("message").asText());
                    }
                }
                default -> { }
            }
        }

        BackupSummary summary(Repository repo, ProcessRunner.Result r) throws ResticException {
            JsonNode s = summary.get();
            if (r.exitCode() == 3) {
                throw new ResticException("backup to " + repo.location() + " INCOMPLETE: snapshot "
                        + (s == null ? "?" : s.path("snapshot_id").asText()) + " lacks " + fileErrors.size()
                        + " unreadable file(s)" + (fileErrors.isEmpty() ? "" : ", first: " + fileErrors.get(0))
                        + "; not counted as a success");
            }
            check(repo, "backup", r);
            if (s == null || s.path("snapshot_id").asText().isEmpty()) {
                throw new ResticException("backup to " + repo.location() + ": restic exited 0 but reported no "
                        + "snapshot; not counted as a success");
            }
            return new BackupSummary(s.path("snapshot_id").asText(), s.path("files_new").asLong(),
                    s.path("files_changed").asLong(), s.path("files_unmodified").asLong(),
                    s.path("data_added").asLong(), s.path("total_files_processed").asLong(),
                    s.path("total_bytes_processed").asLong(),
                    Duration.ofMillis(Math.round(s.path("total_duration").asDouble() * 1000)));
        }
    }

    /** Restores a snapshot (id, short id or "latest") into {@code target}. */
    public void restore(Repository repo, String snapshot, Path target, Duration timeout,
                        ProcessRunner.Cancel cancel) throws ResticException, InterruptedException {
        ProcessRunner.Result r = run(repo, List.of("restore", snapshot, "--target", target.toString()), timeout,
                line -> { }, cancel);
        check(repo, "restore " + snapshot, r);
    }

    /** Applies a retention policy to the snapshots carrying {@code tag}, and prunes unreferenced data. */
    public void forget(Repository repo, String tag, List<String> keepArgs, Duration timeout)
            throws ResticException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("forget", "--prune", "--tag", tag, "--group-by", "tags"));
        args.addAll(keepArgs);
        ProcessRunner.Result r = run(repo, args, timeout, line -> { }, null);
        check(repo, "forget", r);
    }

    /** {@code restic check}: the repository's structure is consistent. */
    public void check(Repository repo, Duration timeout) throws ResticException, InterruptedException {
        check(repo, java.util.Optional.empty(), timeout);
    }

    /**
     * {@code restic check}, with {@code --read-data-subset} when given (that share of the data is read and
     * verified too). A failure's message carries restic's own lines about what is wrong.
     */
    public void check(Repository repo, java.util.Optional<String> readDataSubset, Duration timeout)
            throws ResticException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("check"));
        readDataSubset.ifPresent(s -> args.addAll(List.of("--read-data-subset", s)));
        ProcessRunner.Result r = run(repo, args, timeout, line -> { }, null);
        if (r.exitCode() != 0) {
            // restic names each damaged pack or blob on stderr, then "Fatal: repository contains errors"
            List<String> lines = r.stderr().strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            List<String> found = lines.stream().filter(l -> !l.startsWith("Fatal:")).limit(3).toList();
            String fatal = lines.stream().filter(l -> l.startsWith("Fatal:")).findFirst().orElse("");
            throw new ResticException("restic check on " + repo.location() + " failed: "
                    + (found.isEmpty() ? classify(repo, r.stderr()) : String.join(" / ", found)
                    + (lines.size() - (fatal.isEmpty() ? 0 : 1) > found.size() ? " / ..." : "")
                    + (fatal.isEmpty() ? "" : " (" + fatal + ")")));
        }
    }

    /** The locks in the repository, with who holds them. */
    public List<LockInfo> locks(Repository repo, Duration timeout) throws ResticException, InterruptedException {
        List<String> ids = new ArrayList<>();
        ProcessRunner.Result r = run(repo, List.of("list", "locks", "--no-lock"), timeout, line -> {
            if (!line.isBlank()) {
                ids.add(line.trim());
            }
        }, null);
        check(repo, "list locks", r);
        List<LockInfo> locks = new ArrayList<>();
        for (String id : ids) {
            StringBuilder out = new StringBuilder();
            ProcessRunner.Result c = run(repo, List.of("cat", "lock", id, "--no-lock"), timeout,
                    line -> out.append(line).append('\n'), null);
            if (c.exitCode() != 0) {
                continue; // removed between list and cat
            }
            try {
                JsonNode n = JSON.readTree(out.toString());
                locks.add(new LockInfo(id, n.path("hostname").asText(), n.path("pid").asLong(),
                        Instant.parse(n.path("time").asText()), n.path("exclusive").asBoolean()));
            } catch (IOException | java.time.format.DateTimeParseException e) {
                throw new ResticException("lock " + id + " in " + repo.location() + ": unreadable: "
                        + e.getMessage());
            }
        }
        return locks;
    }

    /**
     * {@code restic unlock}: removes stale locks only (restic's rule: a lock whose process is gone on this host,
     * or not refreshed for 30 minutes). A live backup's lock stays.
     */
    public void unlockStale(Repository repo, Duration timeout) throws ResticException, InterruptedException {
        ProcessRunner.Result r = run(repo, List.of("unlock"), timeout, line -> { }, null);
        check(repo, "unlock", r);
    }

    /**
     * Removes these locks (their holders are known to be gone: the backup job decides). In a local repository
     * exactly these lock files are deleted; restic has no command for one lock, so in a remote one this is
     * {@code restic unlock --remove-all}, which would also take a lock created in the instant since they were listed.
     */
    public void removeLocks(Repository repo, List<LockInfo> locks, Duration timeout)
            throws ResticException, InterruptedException {
        if (!repo.isRemote()) {
            for (LockInfo l : locks) {
                try {
                    java.nio.file.Files.deleteIfExists(Path.of(repo.location(), "locks", l.id()));
                } catch (IOException e) {
                    throw new ResticException("cannot remove lock " + l.id() + " from " + repo.location() + ": "
                            + e.getMessage());
                }
            }
            return;
        }
        ProcessRunner.Result r = run(repo, List.of("unlock", "--remove-all"), timeout, line -> { }, null);
        check(repo, "unlock --remove-all", r);
    }

    private List<String> command(Repository repo, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.add("--repo");
        cmd.add(repo.location());
        cmd.add("--cache-dir");
        cmd.add(cacheDir.toString());
        repo.sftpCommand().ifPresent(c -> {
            cmd.add("-o");
            cmd.add("sftp.command=" + c);
        });
        if (repo.limitUploadKiB() > 0) {
            cmd.add("--limit-upload");
            cmd.add(Integer.toString(repo.limitUploadKiB()));
        }
        cmd.addAll(args);
        return cmd;
    }

    private static Map<String, String> env(Repository repo) {
        Map<String, String> env = new HashMap<>();
        env.put("RESTIC_PASSWORD_FILE", repo.passwordFile().toString());
        env.put("RESTIC_PROGRESS_FPS", "1");
        return env;
    }

    private ProcessRunner.Result run(Repository repo, List<String> args, Duration timeout, Consumer<String> out,
                                     ProcessRunner.Cancel cancel) throws ResticException, InterruptedException {
        Repository.checkPasswordFile(repo.passwordFile());
        try {
            ProcessRunner.Result r = runner.run(command(repo, args), env(repo), timeout, out, cancel);
            ended(repo, args, timeout, r);
            return r;
        } catch (IOException e) {
            throw new ResticException("cannot run " + executable + " (is the Debian package restic installed?): "
                    + e.getMessage());
        }
    }

    /** restic and another command in one pipeline; {@code resticConsumes}: restic reads the other's output. */
    private ProcessRunner.PipeResult runPiped(Repository repo, BackupSource.StreamCommand other, List<String> args,
                                              Duration timeout, Consumer<String> out, ProcessRunner.Cancel cancel,
                                              boolean resticConsumes) throws ResticException, InterruptedException {
        Repository.checkPasswordFile(repo.passwordFile());
        List<String> restic = command(repo, args);
        try {
            ProcessRunner.PipeResult r = resticConsumes
                    ? runner.runPiped(other.argv(), other.environment(), restic, env(repo), timeout, out, cancel)
                    : runner.runPiped(restic, env(repo), other.argv(), other.environment(), timeout, out, cancel);
            ended(repo, args, timeout, resticConsumes ? r.consumer() : r.producer());
            return r;
        } catch (IOException e) {
            throw new ResticException("cannot run " + executable + " | " + other.argv().get(0) + ": "
                    + e.getMessage());
        }
    }

    private static void ended(Repository repo, List<String> args, Duration timeout, ProcessRunner.Result r)
            throws ResticException {
        if (r.timedOut()) {
            throw new ResticException("restic " + args.get(0) + " on " + repo.location() + ": no answer within "
                    + timeout.toSeconds() + " s (timeout); stopped it"
                    + (r.stderr().isBlank() ? "" : " (" + firstLine(r.stderr()) + ")"));
        }
        if (r.cancelled()) {
            throw new ResticException("restic " + args.get(0) + " on " + repo.location()
                    + ": cancelled (stopped cleanly: no snapshot written)");
        }
    }

    private static void check(Repository repo, String what, ProcessRunner.Result r) throws ResticException {
        if (r.exitCode() == 0) {
            return;
        }
        throw new ResticException("restic " + what + " on " + repo.location() + " failed: "
                + classify(repo, r.stderr()));
    }

    /** Turns restic's stderr into the reason an operator reads. */
    static String classify(Repository repo, String stderr) {
        String s = stderr;
        if (s.contains("wrong password or no key found")) {
            return "wrong repository password (password-file " + repo.passwordFile() + ")";
        }
        if (s.contains("unable to open config file") && (s.contains("file does not exist")
                || s.contains("no such file"))) {
            return "no restic repository at " + repo.location() + " (create it with restic init, or set init=true)";
        }
        if (s.contains("Is there a repository at the following location?")) {
            return "repository unreachable: " + firstLine(s);
        }
        if (s.contains("ssh command exited") || s.contains("unable to start the sftp session")
                || s.contains("Connection refused") || s.contains("connection reset") || s.contains("EOF")) {
            return "repository unreachable over sftp: " + lastMeaningful(s);
        }
        if (s.contains("repository is already locked")) {
            return "repository locked by another process: " + firstLine(s);
        }
        return s.isBlank() ? "exit status without a message" : lastMeaningful(s);
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }

    private static String lastMeaningful(String s) {
        List<String> lines = s.strip().lines().filter(l -> !l.isBlank()).toList();
        for (String l : lines) {
            // restic 0.14 can print its Fatal line right after a message that lacks its newline (a lost sftp
            // connection: "error while unlocking: ...Fatal: unable to save snapshot: ...")
            int fatal = l.indexOf("Fatal:");
            if (fatal >= 0) {
                return l.substring(fatal);
            }
        }
        return lines.isEmpty() ? "" : String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static Snapshot snapshot(JsonNode s) {
        List<String> tags = new ArrayList<>();
        s.path("tags").forEach(t -> tags.add(t.asText()));
        List<String> paths = new ArrayList<>();
        s.path("paths").forEach(p -> paths.add(p.asText()));
        return new Snapshot(s.path("id").asText(), s.path("short_id").asText(),
                java.time.OffsetDateTime.parse(s.path("time").asText()).toInstant(), s.path("hostname").asText(),
                tags, paths);
    }
}
