package org.duplex.mirror.iscsi.login;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * CHAP credentials of a target: the name and secret an initiator must prove, and optionally the name and secret the
 * target proves back (mutual CHAP). Read from a properties file of mode 0600:
 * <pre>
 * user = iqn.1994-05.com.redhat:client1
 * secret = at-least-12-characters
 * # optional, for mutual CHAP
 * target.user = iqn.2026-12.org.duplex:vol1
 * target.secret = another-12-characters
 * </pre>
 */
public record ChapSecrets(String user, String secret, Optional<String> targetUser, Optional<String> targetSecret) {
    /** RFC 7143 §12.1.3: secrets shorter than 96 bits are trivially guessed; 12 characters is the usual floor. */
    public static final int MIN_SECRET = 12;

    public ChapSecrets {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(targetUser, "targetUser");
        Objects.requireNonNull(targetSecret, "targetSecret");
        if (user.isEmpty() || secret.length() < MIN_SECRET || secret.length() > 255) {
            throw new IllegalArgumentException("CHAP 'user' must be set and 'secret' must have " + MIN_SECRET
                    + "-255 characters");
        }
        if (targetUser.isPresent() != targetSecret.isPresent()) {
            throw new IllegalArgumentException("mutual CHAP needs both 'target.user' and 'target.secret'");
        }
        if (targetSecret.isPresent() && (targetSecret.get().length() < MIN_SECRET || targetSecret.get().length() > 255
                || targetSecret.get().equals(secret))) {
            throw new IllegalArgumentException("CHAP 'target.secret' must have " + MIN_SECRET
                    + "-255 characters and differ from 'secret' (RFC 7143 §12.1.3)");
        }
    }

    public boolean mutual() {
        return targetSecret.isPresent();
    }

    /**
     * Reads the file; IllegalArgumentException naming {@code what} (e.g. "mirror volume vol1: 'iscsi.chap.secret.file'")
     * when it is missing, readable by others than its owner, or incomplete.
     */
    public static ChapSecrets load(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + ": " + file + " does not exist or is not a file");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> others = EnumSet.copyOf(perms);
            others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!others.isEmpty()) {
                throw new IllegalArgumentException(what + ": " + file + " has mode " + PosixFilePermissions.toString(perms)
                        + "; it holds CHAP secrets and must be readable by its owner only: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(what + ": cannot check the mode of " + file + " (not a POSIX file system)");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage());
        }
        try {
            return new ChapSecrets(p.getProperty("user", "").trim(), p.getProperty("secret", "").trim(),
                    opt(p, "target.user"), opt(p, "target.secret"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + file + ": " + e.getMessage());
        }
    }

    private static Optional<String> opt(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    @Override
    public String toString() {
        return "ChapSecrets[user=" + user + ", mutual=" + mutual() + "]"; // never the secrets
    }
}
