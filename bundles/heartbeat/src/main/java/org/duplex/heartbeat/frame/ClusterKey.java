package org.duplex.heartbeat.frame;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/** The cluster's shared HMAC key: a file of exactly 32 random bytes, readable by the Duplex user only. */
public final class ClusterKey {

    public static final int LENGTH = 32;

    private ClusterKey() {
    }

    /**
     * Writes a new random key with permissions 0600. Refuses to replace an existing key unless {@code overwrite},
     * because every node of the cluster must hold the same key.
     */
    public static void generate(Path file, boolean overwrite, SecureRandom random) throws IOException {
        byte[] key = new byte[LENGTH];
        random.nextBytes(key);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (Files.exists(file) && !overwrite) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "a cluster key already exists; every node must use the same key (use --force to replace it)");
        }
        // Write to a 0600 temp file first so the key is never readable by others, not even for a moment.
        Path tmp = Files.createTempFile(dir, ".duplex-key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, key, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the key; the message of the exception tells an operator what to do. */
    public static byte[] load(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("cluster key file " + file + " is missing or unreadable: create it once with"
                    + " 'ha:keygen " + file + "' and copy it (mode 0600) to every node");
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != LENGTH) {
            throw new IOException("cluster key file " + file + " holds " + key.length + " bytes, expected " + LENGTH
                    + ": regenerate it with 'ha:keygen --force " + file + "' on one node and copy it to all");
        }
        return key;
    }

    /** True when group or others may read or write the key file (the caller logs a warning). */
    public static boolean tooOpen(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
