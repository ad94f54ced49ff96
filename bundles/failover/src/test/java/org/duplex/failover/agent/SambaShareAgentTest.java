package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.OperationTimeouts;
import org.duplex.api.model.Resource;
import org.duplex.api.model.ResourceId;
import org.duplex.failover.agent.samba.SambaShareAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Samba agent against a real include file and a recording reload command (no smbd needed): the section
 * carries the permissions, other sections survive, the file keeps its mode, the share directory is untouched.
 */
class SambaShareAgentTest {

    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private Resource share(Path path, String... extra) {
        Map<String, String> p = new LinkedHashMap<>(Map.of("path", path.toString(), "share", "projects",
                "valid-users", "@root root", "read-only", "no", "create-mask", "0660", "directory-mask", "2770",
                "inherit-acls", "yes", "vfs-objects", "acl_xattr", "smb.map-acl-inherit", "yes"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return new Resource(ResourceId.of("share1"), "samba", p, OperationTimeouts.DEFAULTS, Duration.ofSeconds(5));
    }

    @Test
    void publishesWithdrawsAndKeepsEverythingElse() throws Exception {
        Path data = Files.createDirectory(dir.resolve("projects"));
        NetnsLab.sh("chmod 2770 " + data); // setgid directory: new files inherit the group
        Path include = dir.resolve("duplex-shares.conf");
        Files.writeString(include, "# site notes kept by hand\n[other]\n   path = /srv/other\n");
        Files.setPosixFilePermissions(include, PosixFilePermissions.fromString("rw-r-----"));
        Path reloads = dir.resolve("reloads");
        SambaShareAgent agent = new SambaShareAgent(include, List.of("sh", "-c", "echo reload >> " + reloads));

        Resource r = share(data);
        assertThat(agent.validate(r, T)).isEmpty();
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        OperationResult started = agent.start(r, T);
        assertThat(started.isSuccess()).as(started.reason()).isTrue();
        assertThat(started.reason()).contains("mode rwxrwx---");

        String text = Files.readString(include);
        assertThat(text).startsWith("# site notes kept by hand\n[other]\n   path = /srv/other\n");
        assertThat(text).contains("[projects]\n", "   path = " + data + "\n", "   valid users = @root root\n",
                "   read only = no\n", "   create mask = 0660\n", "   directory mask = 2770\n",
                "   inherit acls = yes\n", "   vfs objects = acl_xattr\n", "   map acl inherit = yes\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(include))).isEqualTo("rw-r-----");
        assertThat(NetnsLab.sh("stat -c %a " + data).trim()).as("share directory untouched").isEqualTo("2770");
        assertThat(agent.monitor(r, T).isSuccess()).isTrue();
        assertThat(Files.readAllLines(reloads)).hasSize(1);

        // start again (takeover back on this node): the section is replaced, not duplicated
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(Files.readString(include).split("\\[projects]", -1)).hasSize(2);

        // hand edits are reported by the monitor
        Files.writeString(include, Files.readString(include).replace("0660", "0666"));
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.ERR_GENERIC);

        assertThat(agent.stop(r, T).isSuccess()).isTrue();
        assertThat(Files.readString(include)).isEqualTo("# site notes kept by hand\n[other]\n   path = /srv/other\n");
        assertThat(agent.monitor(r, T).status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.stop(r, T).isSuccess()).as("idempotent").isTrue();
        assertThat(Files.readAllLines(reloads)).hasSize(3);
    }

    @Test
    void refusesBadValuesAndAMissingDirectory() throws Exception {
        SambaShareAgent agent = new SambaShareAgent(dir.resolve("x.conf"), List.of());
        Resource injected = share(dir, "valid-users", "alice\n[evil]");
        assertThat(agent.validate(injected, T)).anyMatch(p -> p.contains("line breaks or brackets"));
        assertThat(agent.validate(share(dir, "create-mask", "rw"), T)).anyMatch(p -> p.contains("octal"));
        OperationResult notMounted = agent.start(share(dir.resolve("absent")), T);
        assertThat(notMounted.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(notMounted.reason()).contains("is its filesystem mounted");
    }

    @Test
    void aFailingReloadFailsTheStart() throws Exception {
        SambaShareAgent agent = new SambaShareAgent(dir.resolve("y.conf"), List.of("sh", "-c", "echo no smbd; exit 1"));
        OperationResult r = agent.start(share(dir), T);
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(r.reason()).contains("no smbd").contains("is smbd running");
    }

    /** Issue 21: a share must not start where its users do not exist (the permissions would not travel). */
    @Test
    void refusesToStartWhereItsUsersOrTheDirectoryOwnerAreUnknown() throws Exception {
        Path data = Files.createDirectory(dir.resolve("files"));
        Path include = dir.resolve("z.conf");
        SambaShareAgent agent = new SambaShareAgent(include, List.of("true"));

        OperationResult r = agent.start(share(data, "valid-users", "root nosuchuser-dx @nosuchgroup-dx",
                "force-group", "root"), T);
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).contains("user 'nosuchuser-dx'", "group 'nosuchgroup-dx'", "same users and ids")
                .doesNotContain("user 'root'");
        assertThat(include).doesNotExist();

        if ("root".equals(System.getProperty("user.name"))) {
            NetnsLab.sh("chown 54321:54321 " + data); // an id no user has here: made on a node with other ids
            OperationResult owner = agent.start(share(data), T);
            assertThat(owner.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
            assertThat(owner.reason()).contains("owner uid 54321 of " + data, "group gid 54321");
        }
    }

    @Test
    void theMonitorFailsWhenSmbdDoesNotAnswer() throws Exception {
        Path data = Files.createDirectory(dir.resolve("served"));
        SambaShareAgent agent = new SambaShareAgent(dir.resolve("w.conf"), List.of("true"));
        Resource r = share(data);
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        assertThat(agent.checkCommand(List.of("true")).monitor(r, T).isSuccess()).isTrue();
        OperationResult dead = agent.checkCommand(List.of("sh", "-c", "echo 'Can not find smbd'; exit 1")).monitor(r, T);
        assertThat(dead.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(dead.reason()).contains("smbd does not answer").contains("Can not find smbd");

        // a dead smbd serves nothing: the stop succeeds (a failed stop would get the node fenced)
        SambaShareAgent noSmbd = new SambaShareAgent(dir.resolve("w.conf"), List.of("sh", "-c", "exit 1"))
                .checkCommand(List.of("sh", "-c", "exit 1"));
        OperationResult stopped = noSmbd.stop(r, T);
        assertThat(stopped.isSuccess()).as(stopped.reason()).isTrue();
        assertThat(stopped.reason()).contains("smbd is not running");
        assertThat(Files.readString(dir.resolve("w.conf"))).doesNotContain("[projects]");
        // but a reload that fails while smbd runs is a failed stop: the share may still be served
        assertThat(agent.start(r, T).isSuccess()).isTrue();
        SambaShareAgent stuck = new SambaShareAgent(dir.resolve("w.conf"), List.of("sh", "-c", "exit 1"))
                .checkCommand(List.of("true"));
        assertThat(stuck.stop(r, T).status()).isEqualTo(OcfStatus.ERR_GENERIC);
    }
}
