package org.duplex.plugin.backup.restic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a restic repository is and how to open it.
 *
 * @param location     a local path or {@code sftp:user@host:/path} (restic's syntax)
 * @param passwordFile a file holding the repository password; mode 0600 or 0400, never read by Duplex itself
 *                     (restic reads it through RESTIC_PASSWORD_FILE), never logged
 * @param sftpCommand  the ssh command restic runs for sftp: repositories ({@code -o sftp.command=...}), e.g. with
 *                     an identity file and a port; empty for restic's default
 * @param limitUploadKiB  upload bandwidth limit in KiB/s ({@code --limit-upload}); 0 = none
 */
public record Repository(String location, Path passwordFile, Optional<String> sftpCommand, int limitUploadKiB) {

    public Repository(String location, Path passwordFile) {
        this(location, passwordFile, Optional.empty(), 0);
    }

    public Repository {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(sftpCommand, "sftpCommand");
    }

    public boolean isRemote() {
        return location.startsWith("sftp:");
    }

    /**
     * Refuses a password file that others could read: it must be a regular file with no group or other
     * permission bits (0600 or 0400).
     */
    public static void checkPasswordFile(Path file) throws ResticException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ResticException("password-file " + file + ": not a regular file (create it with the "
                    + "repository password on one line, chmod 600)");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ResticException("password-file " + file + ": cannot read its permissions: " + e.getMessage());
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(perms);
        open.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        if (!open.isEmpty() || !perms.contains(PosixFilePermission.OWNER_READ)) {
            throw new ResticException("password-file " + file + ": mode is "
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                    + ", refused: it must be readable by its owner only (chmod 600 " + file + ")");
        }
    }
}
