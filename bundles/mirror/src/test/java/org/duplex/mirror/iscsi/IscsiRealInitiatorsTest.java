package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.mirror.block.FileBlockDevice;
import org.duplex.mirror.iscsi.login.ChapSecrets;
import org.duplex.mirror.testutil.Tools;
import org.duplex.mirror.testutil.Tools.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real initiators against the target on a file: libiscsi's tools and its conformance suite {@code iscsi-test-cu}
 * (Debian libiscsi-bin), and QEMU's iscsi driver with header digests. Skipped, loudly, where the tools are missing
 * (scripts/install-deps.sh installs them; CI has them).
 */
class IscsiRealInitiatorsTest {
    static final long SIZE = 128L << 20;
    static final String IQN = "iqn.2026-12.org.duplex:conformance";
    static final String CHAP_IQN = "iqn.2026-12.org.duplex:chap";

    /**
     * Every SCSI and iSCSI suite of iscsi-test-cu in Debian 12's libiscsi 1.19, all run in one invocation (as
     * {@code --test=SCSI} does): Debian's build leaves a test's PDU hook installed for the rest of the process when
     * that test returns early, which set byte 13 of every later CDB to 1 while COMPARE AND WRITE was not implemented
     * (see the mirror README); one invocation is the run that catches such cross-test effects.
     */
    static final List<String> SUITES = List.of("SCSI.CompareAndWrite", "SCSI.ExtendedCopy", "SCSI.GetLBAStatus",
            "SCSI.Inquiry", "SCSI.Mandatory", "SCSI.ModeSense6", "SCSI.NoMedia", "SCSI.OrWrite", "SCSI.Prefetch10",
            "SCSI.Prefetch16", "SCSI.PreventAllow", "SCSI.PrinReadKeys", "SCSI.PrinServiceactionRange",
            "SCSI.PrinReportCapabilities", "SCSI.ProutRegister", "SCSI.ProutReserve", "SCSI.ProutClear",
            "SCSI.ProutPreempt", "SCSI.Read6", "SCSI.Read10", "SCSI.Read12", "SCSI.Read16", "SCSI.ReadCapacity10",
            "SCSI.ReadCapacity16", "SCSI.ReadDefectData10", "SCSI.ReadDefectData12", "SCSI.ReadOnly",
            "SCSI.ReceiveCopyResults", "SCSI.ReportSupportedOpcodes", "SCSI.Reserve6", "SCSI.Sanitize",
            "SCSI.StartStopUnit", "SCSI.TestUnitReady", "SCSI.Unmap", "SCSI.Verify10", "SCSI.Verify12",
            "SCSI.Verify16", "SCSI.Write10", "SCSI.Write12", "SCSI.Write16", "SCSI.WriteAtomic16",
            "SCSI.WriteSame10", "SCSI.WriteSame16", "SCSI.WriteVerify10", "SCSI.WriteVerify12",
            "SCSI.WriteVerify16", "SCSI.MultipathIO", "iSCSI.iSCSIcmdsn", "iSCSI.iSCSIdatasn",
            "iSCSI.iSCSIResiduals", "iSCSI.iSCSITMF");

    @TempDir
    Path dir;
    FileBlockDevice device;
    FileBlockDevice chapDevice;
    IscsiServer server;

    @BeforeEach
    void start() throws Exception {
        device = new FileBlockDevice(dir.resolve("disk.img"), SIZE, false);
        chapDevice = new FileBlockDevice(dir.resolve("chap.img"), 16L << 20, false);
        server = new IscsiServer(IscsiServerConfig.of("127.0.0.1", 0));
        server.addTarget(new IscsiTarget(IQN, "conformance", device, Optional.empty()));
        server.addTarget(new IscsiTarget(CHAP_IQN, "chap", chapDevice, Optional.of(new ChapSecrets("alice",
                "alice-secret-1", Optional.of("duplex"), Optional.of("target-secret-2")))));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        device.close();
        chapDevice.close();
    }

    String url(String iqn) {
        return "iscsi://127.0.0.1:" + server.port() + "/" + iqn + "/0";
    }

    @Test
    void inquiryCapacityAndDiscoveryWithLibiscsiTools() throws Exception {
        Tools.require("iscsi-inq");
        Result inq = Tools.run(30, "iscsi-inq", url(IQN));
        assertThat(inq.exitCode()).as(inq.output()).isZero();
        assertThat(inq.output()).contains("Peripheral Device Type:DIRECT_ACCESS", "Vendor:DUPLEX",
                "Product:MIRROR VOLUME");
        Result vpd = Tools.run(30, "iscsi-inq", "-e", "1", "-c", "131", url(IQN)); // page 0x83
        assertThat(vpd.exitCode()).as(vpd.output()).isZero();
        assertThat(vpd.output()).contains("Designator:[" + IQN + "]", "SCSI_NAME_STRING");
        Result cap = Tools.run(30, "iscsi-readcapacity16", url(IQN));
        assertThat(cap.exitCode()).as(cap.output()).isZero();
        assertThat(cap.output()).contains("LOGICAL BLOCK LENGTH IN BYTES:512", "Total size:" + SIZE, "LBPME:1");
        Result ls = Tools.run(30, "iscsi-ls", "iscsi://127.0.0.1:" + server.port());
        assertThat(ls.exitCode()).as(ls.output()).isZero();
        assertThat(ls.output()).contains("Target:" + IQN + " Portal:127.0.0.1:" + server.port() + ",1")
                .contains("Target:" + CHAP_IQN);
    }

    @Test
    void chapOneWayAndMutualWithLibiscsi() throws Exception {
        Tools.require("iscsi-inq");
        String base = "iscsi://alice%alice-secret-1@127.0.0.1:" + server.port() + "/" + CHAP_IQN + "/0";
        Result ok = Tools.run(30, "iscsi-inq", base);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        Result none = Tools.run(30, "iscsi-inq", url(CHAP_IQN));
        assertThat(none.exitCode()).as("no credentials: refused").isNotZero();
        Result wrong = Tools.run(30, "iscsi-inq", "iscsi://alice%not-the-secret@127.0.0.1:" + server.port() + "/"
                + CHAP_IQN + "/0");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.output()).contains("Authentication failure");
        Result mutual = Tools.run(30, "iscsi-inq", base + "?target_user=duplex&target_password=target-secret-2");
        assertThat(mutual.exitCode()).as(mutual.output()).isZero();
        Result badTarget = Tools.run(30, "iscsi-inq", base + "?target_user=duplex&target_password=not-the-target");
        assertThat(badTarget.exitCode()).as("the initiator refuses a target that cannot prove itself").isNotZero();
    }

    @Test
    void qemuIoThroughQemusIscsiDriverWithHeaderDigests() throws Exception {
        Tools.require("qemu-io");
        Result r = Tools.run(60, "qemu-io", "--image-opts", "driver=iscsi,transport=tcp,portal=127.0.0.1:"
                        + server.port() + ",target=" + IQN + ",lun=0,header-digest=crc32c",
                "-c", "write -P 0xab 0 64k", "-c", "read -P 0xab 0 64k", "-c", "write -P 0xcd -f 1m 512k",
                "-c", "flush", "-c", "read -P 0xcd 1m 512k", "-c", "write -z 1m 4k", "-c", "read -P 0 1m 4k",
                "-c", "discard 4m 64k");
        org.junit.jupiter.api.Assumptions.assumeFalse(r.output().contains("Unknown driver 'iscsi'"),
                "SKIPPED: qemu-io has no iscsi driver; install qemu-block-extra (scripts/install-deps.sh)");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("Pattern verification failed").doesNotContain("error");
        byte[] disk = Files.readAllBytes(dir.resolve("disk.img"));
        assertThat(disk[0]).isEqualTo((byte) 0xab);
        assertThat(disk[(1 << 20) + 8192]).isEqualTo((byte) 0xcd);
    }

    /** The CUnit run summary: suites run, tests run, tests failed. */
    record Summary(int suites, int tests, int failed) {
    }

    static Summary summary(String output) {
        Matcher su = Pattern.compile("(?m)^\\s+suites\\s+(\\d+)\\s+(\\d+)").matcher(output);
        Matcher t = Pattern.compile("(?m)^\\s+tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(output);
        if (!su.find() || !t.find()) {
            return new Summary(0, 0, -1);
        }
        return new Summary(Integer.parseInt(su.group(2)), Integer.parseInt(t.group(2)), Integer.parseInt(t.group(4)));
    }

    /**
     * Both families in one iscsi-test-cu process, as an operator runs {@code --test=SCSI}: failed 20 of the 16-byte
     * command tests before COMPARE AND WRITE was implemented (the stray CDB byte; see the mirror README).
     */
    @Test
    void libiscsiConformanceSuitesPassInOneInvocation() throws Exception {
        Tools.require("iscsi-test-cu");
        Result r = Tools.run(600, "iscsi-test-cu", "--dataloss", "--test=SCSI,iSCSI", url(IQN));
        Summary s = summary(r.output());
        List<String> ran = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^Suite: (\\S+)").matcher(r.output());
        while (m.find()) {
            ran.add(m.group(1));
        }
        List<String> failedTests = r.output().lines().filter(l -> l.contains("...") && l.contains("FAILED")
                || l.startsWith("FAILED")).limit(40).toList();
        System.out.println("iscsi-test-cu --test=SCSI,iSCSI against Duplex's target: " + s + ", suites " + ran);
        assertThat(s.failed()).as(() -> "failed tests:\n" + String.join("\n", failedTests) + "\n"
                + r.output().lines().filter(l -> l.contains("[FAILED]")).limit(20)
                .reduce("", (x, y) -> x + y + "\n")).isZero();
        assertThat(ran).as("every suite ran").containsExactlyInAnyOrderElementsOf(
                SUITES.stream().map(x -> x.substring(x.indexOf('.') + 1)).toList());
        assertThat(s.tests()).as("tests run").isGreaterThanOrEqualTo(200);
    }
}
