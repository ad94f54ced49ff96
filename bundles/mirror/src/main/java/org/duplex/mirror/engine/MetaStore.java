package org.duplex.mirror.engine;

import org.duplex.mirror.leg.MetaState;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.DiskState;

/** Reads and atomically replaces (write, force, rename, force dir) the metadata file of a leg. */
final class MetaStore {
    private final Path file;

    MetaStore(Path metaDir) {
        this.file = metaDir.resolve("state.properties");
    }

    boolean exists() {
        return Files.exists(file);
    }

    MetaState load() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        GenerationIds gi = new GenerationIds(Long.parseUnsignedLong(p.getProperty("gi.current"), 16),
                Long.parseUnsignedLong(p.getProperty("gi.bitmap"), 16),
                Long.parseUnsignedLong(p.getProperty("gi.history1"), 16),
                Long.parseUnsignedLong(p.getProperty("gi.history2"), 16));
        return new MetaState(gi, DiskState.valueOf(p.getProperty("disk")),
                Boolean.parseBoolean(p.getProperty("primaryActive")),
                Boolean.parseBoolean(p.getProperty("crashedPrimary")),
                Long.parseLong(p.getProperty("highestEpoch")), Long.parseLong(p.getProperty("promotedEpoch")),
                Long.parseLong(p.getProperty("promotedAtMillis")), Long.parseLong(p.getProperty("token")),
                Boolean.parseBoolean(p.getProperty("discardMyData")), p.getProperty("outdatedCause", ""));
    }

    void store(MetaState s) throws IOException {
        String text = "# Duplex mirror leg metadata: do not edit while the volume is running\n"
                + "gi.current=" + Long.toHexString(s.gi().current()) + "\n"
                + "gi.bitmap=" + Long.toHexString(s.gi().bitmap()) + "\n"
                + "gi.history1=" + Long.toHexString(s.gi().history1()) + "\n"
                + "gi.history2=" + Long.toHexString(s.gi().history2()) + "\n"
                + "disk=" + s.disk() + "\n"
                + "primaryActive=" + s.primaryActive() + "\n"
                + "crashedPrimary=" + s.crashedPrimary() + "\n"
                + "highestEpoch=" + s.highestEpoch() + "\n"
                + "promotedEpoch=" + s.promotedEpoch() + "\n"
                + "promotedAtMillis=" + s.promotedAtMillis() + "\n"
                + "token=" + s.token() + "\n"
                + "discardMyData=" + s.discardMyData() + "\n"
                + "outdatedCause=" + s.outdatedCause() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }
}
