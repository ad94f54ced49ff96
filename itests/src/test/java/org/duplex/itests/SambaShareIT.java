package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;

import org.duplex.itests.lab.TwoNodeLab;
import org.duplex.itests.net.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 21: Samba shares on a real smbd in the two-node lab. Each node runs its own smbd; group {@code web} carries a
 * {@code samba} share of the shared data directory; the client namespace reaches {@code //VIP/files} with
 * smbclient as three users — A reads and writes, B only reads (share write list and POSIX ACL), C is denied — and
 * gets the same answers before a failover, after an unplanned failover (node1 killed) and after a switchover back.
 * A file A wrote before the failover is there after it, with its owner and ACL. A killed smbd moves the share.
 * The lab runs with a simulated BMC per node (ipmi_sim) as the only fence device, so the unplanned failover also
 * proves IPMI fencing end to end. Root only (network namespaces, users).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SambaShareIT {

    private TwoNodeLab lab;
    private Path shareDir;

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "SKIPPED: SambaShareIT needs root and iproute2 to create network namespaces (CI runs as root)");
        for (String tool : List.of("/usr/sbin/smbd", "/usr/bin/smbclient", "/usr/bin/setfacl", "/usr/bin/socat",
                "/usr/bin/python3", "/usr/bin/perl", "/usr/bin/ipmi_sim", "/usr/bin/ipmitool")) {
            Assumptions.assumeTrue(Files.isExecutable(Paths.get(tool)),
                    "SKIPPED: SambaShareIT needs " + tool + " (scripts/install-deps.sh installs it)");
        }
        Path work = Paths.get(DuplexContainer.required("duplex.workDir"), "samba-lab");
        // the BMC lab: each node's only fence device is ipmi (ipmi_sim wired to the lab's power), issue 21
        lab = new TwoNodeLab(Paths.get(DuplexContainer.required("duplex.root")), work, "dx6-", "ipmi");
        lab.up(Paths.get(DuplexContainer.required("duplex.assembly")));
        TwoNodeLab.Result up = lab.script("samba.sh", Duration.ofMinutes(2), "up");
        assertThat(up.exit()).as(up.out()).isZero();
        shareDir = work.resolve("share/files");
        await("the share runs with web on node1").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> lab.client("node1", "ha:group-show web").contains("files=running"));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.script("samba.sh", Duration.ofMinutes(1), "down");
            lab.down();
        }
    }

    private TwoNodeLab.Result smb(String user, String command) throws Exception {
        return lab.script("samba.sh", Duration.ofSeconds(60), "smb", user, command);
    }

    /** The three users' answers, the same on whichever node serves. */
    private void accessIsAsConfigured(String when, String fileOfA) throws Exception {
        TwoNodeLab.Result readByB = smb("dxsmb-b", "get " + fileOfA + " -");
        assertThat(readByB.exit()).as(when + ": B reads A's file: " + readByB.out()).isZero();
        assertThat(readByB.out()).as(when).contains("written by A");

        TwoNodeLab.Result writeByB = smb("dxsmb-b", "put /etc/hostname b-" + System.nanoTime() + ".txt");
        assertThat(writeByB.exit()).as(when + ": B may not write: " + writeByB.out()).isNotZero();
        assertThat(writeByB.out()).as(when).contains("NT_STATUS_ACCESS_DENIED");

        TwoNodeLab.Result byC = smb("dxsmb-c", "ls");
        assertThat(byC.exit()).as(when + ": C is denied: " + byC.out()).isNotZero();
        assertThat(byC.out()).as(when).contains("NT_STATUS_ACCESS_DENIED");

        TwoNodeLab.Result listByA = smb("dxsmb-a", "ls");
        assertThat(listByA.exit()).as(when + ": A lists: " + listByA.out()).isZero();
        assertThat(listByA.out()).as(when).contains(fileOfA);
    }

    private void writeAsA(String name) throws Exception {
        Path local = lab.dir().resolve(name);
        Files.writeString(local, "written by A: " + name + "\n");
        TwoNodeLab.Result put = smb("dxsmb-a", "put " + local + " " + name);
        assertThat(put.exit()).as("A writes " + name + ": " + put.out()).isZero();
    }

    private void ownerAndAclKept(String name) throws Exception {
        Path f = shareDir.resolve(name);
        PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class);
        assertThat(a.owner().getName()).isEqualTo("dxsmb-a");
        String acl = lab.script("samba.sh", Duration.ofSeconds(10), "getfacl", name).out();
        assertThat(acl).contains("user:dxsmb-b:r");
    }

    private void awaitServedBy(String node) {
        await(node + " serves web").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> node.equals(lab.served().trim()) && lab.client(node, "ha:group-show web")
                        .contains("on " + node + ": vip=running app=running files=running"));
    }

    @Test
    @Order(1)
    void beforeAnyFailoverEachUserGetsWhatTheShareAndTheAclGrant() throws Exception {
        writeAsA("before.txt");
        accessIsAsConfigured("on node1", "before.txt");
        ownerAndAclKept("before.txt");
    }

    @Test
    @Order(2)
    void afterAnUnplannedFailoverTheSameAnswersAndTheFileWithItsOwnerAndAcl() throws Exception {
        lab.run("kill", "node1");
        awaitServedBy("node2");
        // node1 held the disk lease: node2 fenced it through node1's BMC, off confirmed by reading the power back
        assertThat(lab.client("node2", "ha:history")).containsPattern(
                "fenced node1 .*level 1 ipmi: off node1 -> exit 0 .*confirmed off by reading the status back");
        accessIsAsConfigured("on node2 after node1 was killed", "before.txt");
        ownerAndAclKept("before.txt");
        writeAsA("during.txt");
    }

    @Test
    @Order(3)
    void afterASwitchoverBackTheSameAnswers() throws Exception {
        TwoNodeLab.Result smbd = lab.script("samba.sh", Duration.ofSeconds(30), "start-smbd", "node1");
        assertThat(smbd.exit()).as(smbd.out()).isZero();
        lab.run("start", "node1");
        for (String n : List.of("node1", "node2")) {
            await(n + " sees both nodes").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        String st = lab.client(n, "ha:status");
                        return st.contains("Quorum:      yes") && st.contains("Votes:       2 of 2");
                    });
        }
        String out = lab.client("node2", "ha:switchover web node1");
        assertThat(out).contains("web switched over from node2 to node1");
        awaitServedBy("node1");
        accessIsAsConfigured("on node1 after the switchover back", "during.txt");
        accessIsAsConfigured("on node1 after the switchover back", "before.txt");
        ownerAndAclKept("during.txt");
    }

    @Test
    @Order(4)
    void aKilledSmbdMovesTheShareWithItsGroup() throws Exception {
        TwoNodeLab.Result kill = lab.script("samba.sh", Duration.ofSeconds(10), "kill-smbd", "node1");
        assertThat(kill.exit()).as(kill.out()).isZero();
        awaitServedBy("node2");
        // node1's monitor saw it; its restarts there failed (no smbd to reload), so the group moved
        assertThat(lab.client("node1", "ha:history web")).contains("smbd does not answer");
        assertThat(lab.client("node2", "ha:history web")).contains("node1 is banned: files failed there")
                .contains("is smbd running?");
        accessIsAsConfigured("on node2 after node1's smbd died", "during.txt");
    }
}
