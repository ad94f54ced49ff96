package org.duplex.plugin.os.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ext4 filesystem of a few MiB in an image file, loop-mounted (root only); unmounted in {@link #close()},
 * which also frees the loop device ({@code mount -o loop} sets autoclear).
 */
public final class LoopFs implements AutoCloseable {

    private final Path mountPoint;
    private boolean mounted;

    private LoopFs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    public static void assumeRootWith(String... tools) {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: this test mounts a real filesystem and needs root (run as root, as CI does)");
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "SKIPPED LOUDLY: no loop device support here");
        for (String t : tools) {
            assumeTrue(onPath(t), "SKIPPED LOUDLY: '" + t + "' is not installed (run scripts/install-deps.sh)");
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes and mounts an ext4 filesystem of {@code mib} MiB with {@code inodes} inodes and no blocks reserved for
     * root (so "free" is the same for everyone), under {@code dir}.
     */
    public static LoopFs ext4(Path dir, int mib, int inodes) throws IOException, InterruptedException {
        assumeRootWith("mkfs.ext4", "mount", "umount");
        Path img = dir.resolve("fs.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(mib * 1024L * 1024);
        }
        run("mkfs.ext4", "-q", "-F", "-m", "0", "-N", Integer.toString(inodes), "-O", "^has_journal",
                img.toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        LoopFs fs = new LoopFs(mnt);
        run("mount", "-o", "loop", img.toString(), mnt.toString());
        fs.mounted = true;
        return fs;
    }

    public Path mountPoint() {
        return mountPoint;
    }

    public void remount(String options) throws IOException, InterruptedException {
        run("mount", "-o", "remount," + options, mountPoint.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            mounted = false;
            run("umount", mountPoint.toString());
        }
    }

    /** Runs a command, failing with its output when it exits non-zero; returns stdout + stderr. */
    public static String run(String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(argv));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exit " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
