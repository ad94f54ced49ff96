package org.duplex.heartbeat.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Picks this run's incarnation: the current time in ms, but always above the last one used, which is kept in a
 * state file. Without the file a clock stepped backwards across a restart would make every peer refuse this node's
 * frames as coming from an older incarnation.
 */
public final class Incarnation {

    private Incarnation() {
    }

    public static long next(Path stateFile, long nowMillis) {
        long last = 0;
        try {
            if (Files.isReadable(stateFile)) {
                last = Long.parseLong(Files.readString(stateFile, StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            last = 0;
        }
        long next = Math.max(nowMillis, last + 1);
        try {
            Path dir = stateFile.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(next), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Not fatal: the time-based value is right unless the clock went backwards.
        }
        return next;
    }
}
