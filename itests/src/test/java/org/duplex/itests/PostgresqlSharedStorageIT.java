package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.duplex.itests.lab.CommitClient;
import org.duplex.itests.lab.TwoNodeLab;
import org.duplex.itests.net.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL on shared storage in the two-node lab (issue 16, first slice): group {@code db} = filesystem (an ext4
 * image holding an initdb'd data directory, loop-mounted by whichever node runs the group, in that node's own mount
 * namespace) → postgresql → VIP 10.77.1.51. A client in the lab's client namespace commits one transaction at a
 * time through the VIP ({@code psql}, a new connection per commit, cut off after 800 ms) and logs each acknowledged commit. The active
 * node is killed (links down, every process of it SIGKILLed, as {@code two-node.sh kill} does): node2 mounts the
 * disk, PostgreSQL runs crash recovery, the VIP moves. Asserted: every acknowledged commit is in the table on node2
 * (0 lost). Printed: the client-observed outage (longest gap between two acknowledged commits). Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresqlSharedStorageIT {

    private static final String PREFIX = "dxq-";
    private static final String DB_VIP = "10.77.1.51";
    private static final String PASSWORD = "lab-pg-secret";
    private static final Path BIN = Paths.get("/usr/lib/postgresql/15/bin");
    private static final String MOUNT = "/srv/duplex-pgit";

    private TwoNodeLab lab;
    private Path work;
    private Path image;
    private Path passwordFile;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: PostgresqlSharedStorageIT needs root and iproute2 for the two-node lab (CI runs as root)");
        Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("initdb")), "SKIPPED: PostgresqlSharedStorageIT needs"
                + " PostgreSQL 15 (" + BIN + "; Debian postgresql-15, scripts/install-deps.sh installs it)");
        for (String tool : List.of("/usr/bin/socat", "/usr/bin/python3", "/usr/bin/perl", "/sbin/mkfs.ext4")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: PostgresqlSharedStorageIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        work = Paths.get(DuplexContainer.required("duplex.workDir"), "pg-two-node");
        Files.createDirectories(work);
        image = work.resolve("pgdisk.img");
        makeDisk();
        passwordFile = work.resolve("pg.pass");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work.resolve("lab"), PREFIX);
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
    }

    /** An ext4 image with a data directory made by initdb as postgres, listening on every address. */
    private void makeDisk() throws Exception {
        Path mnt = Files.createTempDirectory("duplex-pgit-mnt");
        sh("rm -f " + image + " && truncate -s 256M " + image + " && mkfs.ext4 -q -F " + image);
        sh("mount -o loop " + image + " " + mnt);
        try {
            Path pw = mnt.resolve("initdb.pw");
            Files.writeString(pw, PASSWORD + "\n");
            sh("chown postgres:postgres " + mnt + " " + pw);
            sh("cd / && runuser -u postgres -- " + BIN.resolve("initdb") + " -D " + mnt.resolve("data") + " -U postgres"
                    + " --auth-local=trust --auth-host=scram-sha-256 --pwfile=" + pw + " >/dev/null");
            Files.delete(pw);
            Files.writeString(mnt.resolve("data/postgresql.conf"), "\nlisten_addresses = '*'\nport = 5432\n"
                    + "unix_socket_directories = ''\nshared_buffers = 16MB\nmax_connections = 30\n",
                    StandardOpenOption.APPEND);
            Files.writeString(mnt.resolve("data/pg_hba.conf"), "host all all 0.0.0.0/0 scram-sha-256\n",
                    StandardOpenOption.APPEND);
        } finally {
            sh("umount " + mnt);
            Files.delete(mnt);
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.down();
        }
        if (image != null) {
            Files.deleteIfExists(image);
            Files.deleteIfExists(Paths.get(MOUNT)); // the mount point the filesystem agent made (empty on the host)
        }
    }

    @Test
    void killingTheActiveNodeLosesNoAcknowledgedCommit() throws Exception {
        String installed = lab.client("node1", "ha:plugin-install duplex-plugin-postgresql");
        assertThat(installed).contains("Installed on 2 of 2 nodes");
        for (String n : List.of("node1", "node2")) {
            await("postgresql type on " + n).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lab.client(n, "ha:monitors").contains("postgresql"));
        }
        lab.client("node1", "ha:resource-add pgfs filesystem device=" + image + " directory=" + MOUNT
                + " fstype=ext4 options=loop monitor-interval=2s");
        lab.client("node1", "ha:resource-add pg postgresql data-dir=" + MOUNT + "/data password-file=" + passwordFile
                + " monitor-interval=1s start-timeout=60s stop-timeout=20s");
        lab.client("node1", "ha:resource-add pgvip vip ip=" + DB_VIP + " cidr=24 interface=eth0 monitor-interval=1s");
        lab.client("node1", "ha:group-add db resources=pgfs,pg,pgvip nodes=node1,node2");
        await("db answers at " + DB_VIP).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> psql("SELECT 'up'").contains("up"));
        assertThat(lab.client("node1", "ha:status")).containsPattern("db +running on node1");
        psql("CREATE TABLE acks (id int PRIMARY KEY, at timestamptz DEFAULT now())");

        CommitClient.Summary result;
        // one committed transaction at a time through the VIP; a line per acknowledged commit
        try (CommitClient client = CommitClient.start(PREFIX + "cl", work, psqlCommand(
                "INSERT INTO acks (id) VALUES ($i)", "0.8"))) {
            await("the client commits").atMost(Duration.ofSeconds(30)).until(() -> client.acks().size() >= 50);
            long killedAt = System.currentTimeMillis();
            lab.run("kill", "node1");
            await("commits acknowledged again after node1 was killed").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> client.ackedAfter(killedAt + 100));
            int after = client.acks().size();
            await("50 more commits").atMost(Duration.ofSeconds(30)).until(() -> client.acks().size() >= after + 50);
            client.stop();
            result = CommitClient.summarize(client.acks(),
                    List.of(psql("SELECT id FROM acks ORDER BY id").trim().split("\n")));
        }
        String status = lab.client("node2", "ha:status");
        String history = lab.client("node2", "ha:history -n 60 db");
        String summary = result.line("postgresql shared storage, node1 killed");
        System.out.println(summary);
        System.out.println(status);
        System.out.println(history);
        Files.writeString(work.resolve("result.txt"), summary + "\n" + status + "\n" + history);
        assertThat(status).containsPattern("db +running on node2");
        assertThat(result.lost()).as("acknowledged commits missing on node2").isEmpty();
    }

    /**
     * At most 800 ms per statement, as the lab's HTTP probe: a connection attempt begun while the VIP had no owner
     * would otherwise wait for the SYN to be resent (1 s) after the address is back. A commit cut off there is
     * simply not acknowledged.
     */
    private String psqlCommand(String sql, String timeout) {
        return "PGPASSWORD=" + PASSWORD + " PGCONNECT_TIMEOUT=2 timeout " + timeout + " " + BIN.resolve("psql") + " -h " + DB_VIP
                + " -U postgres -d postgres -qAtX -c \"" + sql + "\"";
    }

    /** One statement through the VIP from the client namespace; its output, or "" when it failed. */
    private String psql(String sql) throws Exception {
        return NetNamespaces.tryExec(PREFIX + "cl", psqlCommand(sql, "30"));
    }

    private static void sh(String command) throws Exception {
        CommitClient.sh(command);
    }
}
