package org.duplex.cluster.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The epoch in a one-line text file in the node's state directory, replaced atomically with fsync. */
public final class FileEpochStore implements EpochStore {

    private final Path file;
    private long cached = -1;

    public FileEpochStore(Path file) {
        this.file = file;
    }

    @Override
    public synchronized long load() throws IOException {
        if (!Files.exists(file)) {
            cached = 0;
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            cached = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("fencing epoch file " + file + " is corrupt: '" + text + "'");
        }
        return cached;
    }

    @Override
    public synchronized void store(long epoch) throws IOException {
        if (cached < 0) {
            load();
        }
        if (epoch < cached) {
            throw new IllegalStateException("fencing epoch must not go backwards: " + cached + " -> " + epoch);
        }
        AtomicFiles.write(file, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
        cached = epoch;
    }
}
