package org.duplex.failover.agent.samba;

import static org.duplex.failover.agent.Configured.since;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.duplex.failover.agent.CommandRunner;
import org.duplex.failover.agent.Configured;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Publishes a Samba share on the active node: writes its section into an include file of smb.conf
 * ({@code include = /etc/samba/duplex-shares.conf} in [global]) and makes smbd reload. The permissions travel
 * with the data: the share's directory (on the shared or mirrored filesystem) is never chmod-ed or chown-ed,
 * and the masks, valid users and ACL options are the same on every node because they come from the resource.
 *
 * <p>Parameters: {@code path} (required), {@code share} (default: the resource name), {@code valid-users},
 * {@code write-list}, {@code read-only}, {@code browseable}, {@code create-mask}, {@code directory-mask},
 * {@code force-user}, {@code force-group}, {@code inherit-acls}, {@code inherit-permissions},
 * {@code nt-acl-support}, {@code map-acl-inherit}, {@code vfs-objects}, {@code comment}, and any
 * {@code smb.<key>} passed through as is.
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + SambaShareAgent.TYPE,
        configurationPid = "org.duplex.failover.agent.samba", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SambaShareAgent.Config.class)
public class SambaShareAgent implements ResourceAgent {

    public static final String TYPE = "samba";

    @ObjectClassDefinition(name = "Duplex Samba share agent")
    public @interface Config {
        @AttributeDefinition(description = "The smb.conf include file that holds the shares Duplex manages")
        String include_file() default "/etc/samba/duplex-shares.conf";

        @AttributeDefinition(description = "Command that makes smbd re-read its configuration; empty: none")
        String reload_command() default "smbcontrol smbd reload-config";

        @AttributeDefinition(description = "Command the monitor runs to check that smbd answers (a published share"
                + " on a dead smbd serves nobody); empty: only the include file is checked")
        String check_command() default "smbcontrol smbd ping";
    }

    private static final Object FILE_LOCK = new Object();

    private volatile Path includeFile;
    private volatile List<String> reloadCommand;
    private volatile List<String> checkCommand = List.of();
    private volatile CommandRunner runner = CommandRunner.direct();

    public SambaShareAgent() {
        this(Path.of("/etc/samba/duplex-shares.conf"), List.of("smbcontrol", "smbd", "reload-config"));
    }

    public SambaShareAgent(Path includeFile, List<String> reloadCommand) {
        this.includeFile = includeFile;
        this.reloadCommand = List.copyOf(reloadCommand);
    }

    @Activate
    void activate(Config config) {
        includeFile = Path.of(config.include_file());
        String r = config.reload_command().trim();
        reloadCommand = r.isEmpty() ? List.of() : Arrays.asList(r.split("\\s+"));
        String c = config.check_command().trim();
        checkCommand = c.isEmpty() ? List.of() : Arrays.asList(c.split("\\s+"));
    }

    /** For tests: the monitor also runs this (empty: include file only). */
    public SambaShareAgent checkCommand(List<String> command) {
        checkCommand = List.copyOf(command);
        return this;
    }

    @Override
    public String type() {
        return TYPE;
    }

    private static String share(Resource r) {
        return r.params().getOrDefault("share", r.id().value());
    }

    @Override
    public List<String> validate(Resource r, Duration timeout) {
        return Configured.problems(r, SambaShareAgent::sharePath);
    }

    /** The share's directory; null when the parameters have problems. */
    private static Path sharePath(Resource r, List<String> problems) {
        String path = r.params().get("path");
        if (path == null || !path.startsWith("/")) {
            problems.add(r.id() + ": parameter 'path' is required and must be absolute");
        }
        ShareSection.problems(share(r), r.params()).forEach(p -> problems.add(r.id() + ": " + p));
        return problems.isEmpty() ? Path.of(path) : null;
    }

    @Override
    public OperationResult start(Resource r, Duration timeout) throws InterruptedException {
        return Configured.run(r, SambaShareAgent::sharePath, (dir, t0) -> start(dir, r, timeout, t0));
    }

    private OperationResult start(Path dir, Resource r, Duration timeout, long t0) throws InterruptedException {
        if (!Files.isDirectory(dir)) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "share path " + dir + " is not a directory (is its "
                    + "filesystem mounted? put the filesystem before the share in the group)", since(t0));
        }
        try {
            List<String> missing = ShareOwners.missing(dir, r.params());
            if (!missing.isEmpty()) {
                return OperationResult.of(OcfStatus.ERR_CONFIGURED, "share [" + share(r) + "] not published: "
                        + String.join(", ", missing) + " unknown on this node; every node needs the same users "
                        + "and ids (useradd -u, or one LDAP/SSSD directory), else the permissions would not survive "
                        + "the move", since(t0));
            }
            edit(share(r), ShareSection.render(share(r), r.params()));
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot write " + includeFile + ": " + e.getMessage(),
                    since(t0));
        }
        OperationResult reload = reload(timeout, t0);
        if (!reload.isSuccess()) {
            return reload;
        }
        return OperationResult.success("share [" + share(r) + "] of " + dir + " published (" + describe(dir) + ")",
                since(t0));
    }

    @Override
    public OperationResult stop(Resource r, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            if (ShareSection.find(read(), share(r)) == null) {
                return OperationResult.success("share [" + share(r) + "] not published", since(t0));
            }
            edit(share(r), null);
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_PERM, "cannot write " + includeFile + ": " + e.getMessage(),
                    since(t0));
        }
        OperationResult reload = reload(timeout, t0);
        if (!reload.isSuccess() && !checkCommand.isEmpty() && !runner.run(checkCommand, timeout).ok()) {
            // smbd is not running: it serves nothing, so the share is withdrawn (a failed stop would fence the node)
            return OperationResult.success("share [" + share(r) + "] withdrawn (smbd is not running, so nothing "
                    + "was served)", since(t0));
        }
        return reload.isSuccess() ? OperationResult.success("share [" + share(r) + "] withdrawn", since(t0)) : reload;
    }

    @Override
    public OperationResult monitor(Resource r, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            String current = ShareSection.find(read(), share(r));
            if (current == null) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "share [" + share(r) + "] not in " + includeFile,
                        since(t0));
            }
            if (!current.equals(ShareSection.render(share(r), r.params()))) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "share [" + share(r) + "] in " + includeFile
                        + " differs from the resource (edited by hand?)", since(t0));
            }
            if (!checkCommand.isEmpty()) {
                CommandRunner.Result res = runner.run(checkCommand, timeout);
                if (!res.ok()) {
                    return OperationResult.of(OcfStatus.ERR_GENERIC, "share [" + share(r) + "] published but smbd "
                            + "does not answer: " + String.join(" ", checkCommand) + " " + res.describe(), since(t0));
                }
            }
            return OperationResult.success("share [" + share(r) + "] published", since(t0));
        } catch (IOException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot read " + includeFile + ": " + e.getMessage(),
                    since(t0));
        }
    }

    private String read() throws IOException {
        return Files.exists(includeFile) ? Files.readString(includeFile, StandardCharsets.UTF_8) : "";
    }

    /** Rewrites the include file atomically, keeping its owner, group and mode. */
    private void edit(String share, String section) throws IOException {
        synchronized (FILE_LOCK) {
            Files.createDirectories(includeFile.toAbsolutePath().getParent());
            String updated = ShareSection.replace(read(), share, section);
            Path tmp = includeFile.resolveSibling(includeFile.getFileName() + ".duplex-tmp");
            Files.writeString(tmp, updated, StandardCharsets.UTF_8);
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (Files.exists(includeFile)) {
                PosixFileAttributes old = Files.readAttributes(includeFile, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setPermissions(old.permissions());
                view.setOwner(old.owner());
                view.setGroup(old.group());
            } else {
                view.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, includeFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, includeFile, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private OperationResult reload(Duration timeout, long t0) throws InterruptedException {
        if (reloadCommand.isEmpty()) {
            return OperationResult.success("no reload command configured", since(t0));
        }
        CommandRunner.Result res = runner.run(reloadCommand, timeout);
        if (!res.ok()) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, String.join(" ", reloadCommand) + " failed: "
                    + res.describe() + " (is smbd running?)", since(t0));
        }
        return OperationResult.success("smbd reloaded", since(t0));
    }

    private static String describe(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
            return "owner " + a.owner().getName() + ":" + a.group().getName() + ", mode "
                    + PosixFilePermissions.toString(a.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return "attributes unreadable";
        }
    }
}
