package org.duplex.plugin.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a password from a file of mode 0600 (or 0400): the first line, without its line end. A file that its group
 * or others may read or write is refused, as ssh refuses such a key. The password never appears in a message,
 * a log line or a {@code toString()}.
 */
public final class Credentials {

    private Credentials() {
    }

    /** Why a password file was refused; the message names the file and the fix, never its content. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    /**
     * @return the first line of {@code file}; the caller should overwrite the array once the password is used
     * @throws RefusedException when the file is missing, empty, not a regular file (a symbolic link is refused),
     *                          open to its group or others, or unreadable
     */
    public static char[] readPassword(Path file) throws RefusedException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new RefusedException("password-file " + file + ": "
                        + (Files.exists(file) ? "not a regular file" : "does not exist"));
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission p : perms) {
                if (!p.name().startsWith("OWNER")) {
                    open.add(p);
                }
            }
            if (!open.isEmpty()) {
                throw new RefusedException("password-file " + file + ": mode " + PosixFilePermissions.toString(perms)
                        + " lets its group or others read or write it; refused (chmod 600 " + file + ")");
            }
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line = r.readLine();
                if (line == null || line.isEmpty()) {
                    throw new RefusedException("password-file " + file + ": empty (the first line is the password)");
                }
                return line.toCharArray();
            }
        } catch (NoSuchFileException e) {
            throw new RefusedException("password-file " + file + ": does not exist");
        } catch (IOException e) {
            throw new RefusedException("password-file " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + ")");
        } catch (UnsupportedOperationException e) {
            throw new RefusedException("password-file " + file + ": its file system has no POSIX permissions");
        }
    }
}
