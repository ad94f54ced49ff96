package org.duplex.mirror.nbd;

import org.duplex.mirror.block.FileBlockDevice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.duplex.mirror.testutil.Tools;
import org.duplex.mirror.testutil.Tools.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conformance with real NBD clients: qemu-io, qemu-img, nbdinfo, nbdcopy and fio's nbd engine. */
class NbdRealClientsTest {
    static final long SIZE = 16L << 20;

    @TempDir
    Path dir;
    NbdServer server;
    FileBlockDevice device;

    @BeforeEach
    void start() throws Exception {
        device = new FileBlockDevice(dir.resolve("disk.img"), SIZE, false);
        server = new NbdServer(NbdServerConfig.loopback(0));
        server.addExport("vol0", "test volume", device);
        server.addExport("ro", "read-only volume",
                new FileBlockDevice(dir.resolve("disk.img"), SIZE, true));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        device.close();
    }

    String url(String name) {
        return "nbd://127.0.0.1:" + server.port() + "/" + name;
    }

    @Test
    void qemuIoWritesAndReadsBackAPattern() throws Exception {
        Tools.require("qemu-io");
        Result r = Tools.run(30, "qemu-io", "-f", "raw", url("vol0"),
                "-c", "write -P 0xab 0 64k", "-c", "read -P 0xab 0 64k",
                "-c", "write -P 0xcd 1m 4k", "-c", "flush", "-c", "read -P 0xcd 1m 4k",
                "-c", "write -z 1m 4k", "-c", "read -P 0 1m 4k",
                "-c", "write -P 0x11 -f 2m 8k", "-c", "discard 4m 64k", "-c", "read -P 0x11 2m 8k");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("Pattern verification failed").doesNotContain("error");
        byte[] disk = Files.readAllBytes(dir.resolve("disk.img"));
        assertThat(disk[0]).isEqualTo((byte) 0xab);
        assertThat(disk[65535]).isEqualTo((byte) 0xab);
        assertThat(disk[65536]).isZero();
    }

    @Test
    void qemuIoGetsAnErrorForAWriteOnAReadOnlyExport() throws Exception {
        Tools.require("qemu-io");
        Result r = Tools.run(30, "qemu-io", "-f", "raw", "-r", url("ro"), "-c", "read 0 4k");
        assertThat(r.exitCode()).as(r.output()).isZero();
        Result w = Tools.run(30, "qemu-io", "-f", "raw", url("ro"), "-c", "write 0 4k");
        assertThat(w.output()).containsAnyOf("read-only", "Read-only", "Operation not permitted", "Permission denied");
    }

    @Test
    void qemuImgInfoAndConvert() throws Exception {
        Tools.require("qemu-img");
        Tools.require("qemu-io");
        assertThat(Tools.run(30, "qemu-io", "-f", "raw", url("vol0"), "-c", "write -P 0x5a 3m 1m")
                .exitCode()).isZero();
        Result info = Tools.run(30, "qemu-img", "info", "--output=json", url("vol0"));
        assertThat(info.exitCode()).as(info.output()).isZero();
        assertThat(info.output()).contains("\"virtual-size\": " + SIZE);
        Path copy = dir.resolve("copy.raw");
        Result conv = Tools.run(60, "qemu-img", "convert", "-f", "raw", "-O", "raw", url("vol0"), copy.toString());
        assertThat(conv.exitCode()).as(conv.output()).isZero();
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(dir.resolve("disk.img")));
        // and back in: convert a local image onto the export
        Path src = dir.resolve("src.raw");
        byte[] pattern = new byte[(int) SIZE];
        new java.util.Random(7).nextBytes(pattern);
        Files.write(src, pattern);
        Result in = Tools.run(60, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), url("vol0"));
        assertThat(in.exitCode()).as(in.output()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("disk.img"))).isEqualTo(pattern);
    }

    @Test
    void nbdinfoListsExportsAndShowsBlockSizes() throws Exception {
        Tools.require("nbdinfo");
        Result list = Tools.run(30, "nbdinfo", "--list", "nbd://127.0.0.1:" + server.port());
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("vol0").contains("ro").contains("test volume");
        Result info = Tools.run(30, "nbdinfo", url("vol0"));
        assertThat(info.exitCode()).as(info.output()).isZero();
        assertThat(info.output()).contains("size: " + SIZE).contains("block_size_minimum: 512")
                .contains("block_size_maximum: 33554432").contains("can_fua: true").contains("can_trim: true")
                .contains("can_zero: true").contains("is_read_only: false");
        Result ro = Tools.run(30, "nbdinfo", url("ro"));
        assertThat(ro.output()).contains("is_read_only: true");
    }

    @Test
    void nbdcopyCopiesInAndOut() throws Exception {
        Tools.require("nbdcopy");
        Path src = dir.resolve("src.raw");
        byte[] pattern = new byte[(int) SIZE];
        new java.util.Random(11).nextBytes(pattern);
        Files.write(src, pattern);
        Result in = Tools.run(60, "nbdcopy", src.toString(), url("vol0"));
        assertThat(in.exitCode()).as(in.output()).isZero();
        Path back = dir.resolve("back.raw");
        Result out = Tools.run(60, "nbdcopy", url("vol0"), back.toString());
        assertThat(out.exitCode()).as(out.output()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(pattern);
    }

    @Test
    void fioNbdEngineVerifiesItsOwnWrites() throws Exception {
        Tools.require("fio");
        Result eng = Tools.run(30, "fio", "--enghelp");
        org.junit.jupiter.api.Assumptions.assumeTrue(eng.output().contains("nbd"),
                "SKIPPED: this fio was built without the nbd engine");
        Result r = Tools.run(120, "fio", "--name=verify", "--ioengine=nbd", "--uri=" + url("vol0"),
                "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=8m", "--verify=crc32c",
                "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0", "--output-format=terse");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("verify: bad");
    }
}
