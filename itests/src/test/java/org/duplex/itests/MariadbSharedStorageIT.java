package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * MariaDB on shared storage in the two-node lab (issue 16): group {@code db} = filesystem (an ext4 image holding a
 * data directory made by mariadb-install-db, loop-mounted by whichever node runs the group, in that node's own mount
 * namespace) → mariadb → VIP 10.77.1.52. A client in the lab's client namespace commits one transaction at a time
 * through the VIP (the {@code mariadb} client, a new connection per commit, cut off after 800 ms) and logs each
 * acknowledged commit ({@link CommitClient}). The active node is killed (links down, every process of it
 * SIGKILLed, as {@code two-node.sh kill} does): node2 mounts the disk, InnoDB runs crash recovery, the VIP moves.
 * Asserted: every acknowledged commit is in the table on node2 (0 lost). Printed: the client-observed outage
 * (longest gap between two acknowledged commits) and the CPU and RSS of mariadbd and of the Karaf JVM. Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariadbSharedStorageIT {

    private static final String PREFIX = "dxm-";
    private static final String DB_VIP = "10.77.1.52";
    private static final String PASSWORD = "lab-mdb-monitor";
    private static final String APP_PASSWORD = "lab-mdb-app";
    private static final Path MARIADBD = Paths.get("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Paths.get("/usr/bin/mariadb-install-db");
    private static final String MOUNT = "/srv/duplex-mdbit";

    private TwoNodeLab lab;
    private Path work;
    private Path image;
    private Path passwordFile;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: MariadbSharedStorageIT needs root and iproute2 for the two-node lab (CI runs as root)");
        for (Path tool : List.of(MARIADBD, INSTALL_DB, Paths.get("/usr/bin/mariadb"), Paths.get("/usr/bin/socat"),
                Paths.get("/usr/bin/python3"), Paths.get("/usr/bin/perl"), Paths.get("/sbin/mkfs.ext4"))) {
            Assumptions.assumeTrue(Files.isExecutable(tool), "SKIPPED: MariadbSharedStorageIT needs " + tool
                    + " (scripts/install-deps.sh installs it: mariadb-server, mariadb-client)");
        }
        work = Paths.get(DuplexContainer.required("duplex.workDir"), "mariadb-two-node");
        Files.createDirectories(work);
        image = work.resolve("dbdisk.img");
        makeDisk();
        passwordFile = work.resolve("mariadb.pass");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work.resolve("lab"), PREFIX);
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
    }

    /**
     * An ext4 image with a data directory made by mariadb-install-db as mysql, the monitoring login {@code duplex}
     * and the client's {@code app} (database app, table acks), and the server's defaults file beside it.
     */
    private void makeDisk() throws Exception {
        Path mnt = Files.createTempDirectory("duplex-mdbit-mnt");
        CommitClient.sh("rm -f " + image + " && truncate -s 256M " + image + " && mkfs.ext4 -q -F " + image);
        CommitClient.sh("mount -o loop " + image + " " + mnt);
        try {
            CommitClient.sh("chown mysql:mysql " + mnt);
            Path data = mnt.resolve("data");
            CommitClient.sh("cd / && runuser -u mysql -- " + INSTALL_DB + " --no-defaults --datadir=" + data
                    + " --skip-test-db --auth-root-authentication-method=socket --innodb-log-file-size=16M >/dev/null");
            Path sql = mnt.resolve("accounts.sql");
            Files.writeString(sql, String.join("\n", "FLUSH PRIVILEGES;",
                    "CREATE USER 'duplex'@'%' IDENTIFIED BY '" + PASSWORD + "';",
                    "GRANT PROCESS, SLAVE MONITOR ON *.* TO 'duplex'@'%';",
                    "CREATE DATABASE app;",
                    "CREATE TABLE app.acks (id int PRIMARY KEY, at timestamp(3) DEFAULT current_timestamp(3))"
                            + " ENGINE=InnoDB;",
                    "CREATE USER 'app'@'%' IDENTIFIED BY '" + APP_PASSWORD + "';",
                    "GRANT ALL ON app.* TO 'app'@'%';", ""));
            CommitClient.sh("cd / && runuser -u mysql -- " + MARIADBD + " --no-defaults --bootstrap --datadir=" + data
                    + " --innodb-log-file-size=16M --log-warnings=0 < " + sql);
            Files.delete(sql);
            // durable commits (the defaults, said out loud); every address, so the VIP is served once it is up
            Files.writeString(mnt.resolve("my.cnf"), String.join("\n", "[mariadbd]",
                    "innodb-buffer-pool-size = 32M", "innodb-log-file-size = 16M",
                    "innodb-flush-log-at-trx-commit = 1", "skip-name-resolve", "max-connections = 50", ""));
        } finally {
            CommitClient.sh("umount " + mnt);
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
        String installed = lab.client("node1", "ha:plugin-install duplex-plugin-mariadb");
        assertThat(installed).contains("Installed on 2 of 2 nodes");
        for (String n : List.of("node1", "node2")) {
            await("mariadb type on " + n).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> lab.client(n, "ha:monitors").contains("mariadb"));
        }
        lab.client("node1", "ha:resource-add dbfs filesystem device=" + image + " directory=" + MOUNT
                + " fstype=ext4 options=loop monitor-interval=2s");
        lab.client("node1", "ha:resource-add db1 mariadb data-dir=" + MOUNT + "/data config-file=" + MOUNT + "/my.cnf"
                + " password-file=" + passwordFile + " monitor-interval=1s start-timeout=60s stop-timeout=20s");
        lab.client("node1", "ha:resource-add dbvip vip ip=" + DB_VIP + " cidr=24 interface=eth0 monitor-interval=1s");
        lab.client("node1", "ha:group-add db resources=dbfs,db1,dbvip nodes=node1,node2");
        await("db answers at " + DB_VIP).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> sql("SELECT 'up'").contains("up"));
        assertThat(lab.client("node1", "ha:status")).containsPattern("db +running on node1");
        String health = lab.client("node1", "ha:monitor-check mariadb role=primary max-connections-used=80"
                + " max-transaction-age=30s min-free=16MiB data-dir=" + MOUNT + "/data password-file=" + passwordFile);
        assertThat(health).startsWith("HEALTHY");

        long server1 = serverPid();
        long karaf1 = lab.jvmPid("node1");
        String idle = "idle: mariadbd " + CommitClient.usage(server1, 5) + "; node1 Karaf " + CommitClient.usage(
                karaf1, 5);
        String load;
        CommitClient.Summary result;
        try (CommitClient client = CommitClient.start(PREFIX + "cl", work, clientCommand(
                "INSERT INTO acks (id) VALUES ($i)", "0.8"))) {
            await("the client commits").atMost(Duration.ofSeconds(30)).until(() -> client.acks().size() >= 50);
            load = "under the client's commits: mariadbd " + CommitClient.usage(server1, 5) + "; node1 Karaf "
                    + CommitClient.usage(karaf1, 5);
            long killedAt = System.currentTimeMillis();
            lab.run("kill", "node1");
            await("commits acknowledged again after node1 was killed").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> client.ackedAfter(killedAt + 100));
            int after = client.acks().size();
            await("50 more commits").atMost(Duration.ofSeconds(30)).until(() -> client.acks().size() >= after + 50);
            client.stop();
            result = CommitClient.summarize(client.acks(),
                    List.of(sql("SELECT id FROM acks ORDER BY id").trim().split("\n")));
        }
        String status = lab.client("node2", "ha:status");
        String history = lab.client("node2", "ha:history -n 60 db");
        String summary = result.line("mariadb shared storage, node1 killed");
        String footprint = idle + "\n" + load + "\nafter the takeover on node2: mariadbd " + CommitClient.usage(
                serverPid(), 5) + "; node2 Karaf " + CommitClient.usage(lab.jvmPid("node2"), 5);
        System.out.println(summary);
        System.out.println(footprint);
        System.out.println(status);
        System.out.println(history);
        Files.writeString(work.resolve("result.txt"), summary + "\n" + footprint + "\n" + status + "\n" + history);
        assertThat(status).containsPattern("db +running on node2");
        assertThat(result.lost()).as("acknowledged commits missing on node2").isEmpty();
    }

    /** The mariadbd of this lab's data directory (there is one at a time: the host sees every node's processes). */
    private static long serverPid() throws Exception {
        String out = CommitClient.sh("pgrep -f '^/usr/sbin/mariadbd .*--datadir=" + MOUNT + "/data' || true").trim();
        assertThat(out).as("one mariadbd of " + MOUNT).matches("\\d+");
        return Long.parseLong(out);
    }

    /**
     * At most 800 ms per statement, as the lab's HTTP probe: a connection attempt begun while the VIP had no owner
     * would otherwise wait for the SYN to be resent (1 s) after the address is back. A commit cut off there is
     * simply not acknowledged.
     */
    private static String clientCommand(String sql, String timeout) {
        return "MYSQL_PWD=" + APP_PASSWORD + " timeout " + timeout + " mariadb --connect-timeout=2 -h " + DB_VIP
                + " -u app -D app -N -B -e \"" + sql + "\"";
    }

    /** One statement through the VIP from the client namespace; its output, or "" when it failed. */
    private static String sql(String sql) throws Exception {
        return NetNamespaces.tryExec(PREFIX + "cl", clientCommand(sql, "30"));
    }
}
