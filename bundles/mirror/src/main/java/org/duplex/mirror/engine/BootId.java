package org.duplex.mirror.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a process kill (the page cache survives: the OS still writes back what the leg had written) from a machine
 * restart (power loss, kernel crash: what was only in the page cache is gone) after a primary stopped uncleanly.
 * The kernel's boot id is recorded in the metadata directory at each promotion and compared at the next start.
 * Either value unknown (no {@code /proc}, no record from an older version) means "cannot tell": the crashed primary
 * is then trusted as before.
 */
final class BootId {
    static final Path KERNEL = Path.of("/proc/sys/kernel/random/boot_id");
    static final String FILE = "boot-id";

    private BootId() {
    }

    static String current() {
        try {
            return Files.readString(KERNEL, StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String recorded(Path metaDir) {
        try {
            Path f = metaDir.resolve(FILE);
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.US_ASCII).trim() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** True when both ids are known and differ: the machine restarted since the last promotion. */
    static boolean restartedSince(String recorded, String now) {
        return !recorded.isEmpty() && !now.isEmpty() && !recorded.equals(now);
    }

    /** Records {@code id} (forced) before a promotion is persisted. */
    static void record(Path metaDir, String id) throws IOException {
        if (id.isEmpty() || id.equals(recorded(metaDir))) {
            return;
        }
        try (FileChannel ch = FileChannel.open(metaDir.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
    }
}
