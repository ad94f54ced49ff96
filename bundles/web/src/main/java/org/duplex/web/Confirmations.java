package org.duplex.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fresh password confirmations for destructive operations. A stolen bearer token alone must not be enough to stop,
 * move or throw away anything: the holder first proves the password again ({@code POST /confirm}, checked by the
 * JAAS realm, rate-limited like a login) and gets a confirmation that is good for one request, to one path, from the
 * same session, within {@link #TTL}. It is sent in the {@value #HEADER} header and used up by the check, whether the
 * operation then succeeds or not.
 */
public final class Confirmations {

    /** The header carrying a confirmation. */
    public static final String HEADER = "X-Duplex-Confirm";

    /** How long a confirmation may wait for its request. */
    public static final Duration TTL = Duration.ofSeconds(60);

    /**
     * The operations (audit names) that need one: those that stop or move services (switchover, standby,
     * maintenance, cleanup restarts what failed), change the code every node runs (plug-in install/remove),
     * overwrite data (backup restore), or take a mirror leg's role or data away or let writes through unprotected.
     * Not: reads, {@code node-online} (the way back from standby and maintenance), {@code backup-run} (adds a
     * snapshot), monitor checks/bindings, {@code mirror-verify} and {@code mirror-connect} (nothing is lost).
     */
    public static final Set<String> OPERATIONS = Set.of("switchover", "node-standby", "node-maintenance", "cleanup",
            "plugin-install", "plugin-remove", "backup-restore", "mirror-promote", "mirror-demote",
            "mirror-invalidate", "mirror-resolve-split-brain", "mirror-resume-io", "mirror-disconnect");

    /** One confirmation: for which session (its bearer token) and which path, until when. */
    record Confirmation(String session, String path, Instant expires) {
    }

    private final Map<String, Confirmation> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final int max;

    public Confirmations(Clock clock, int max) {
        this.clock = clock;
        this.max = max;
    }

    /** A new confirmation for one request of {@code session} to {@code path}. */
    public synchronized String issue(String session, String path) {
        Instant now = clock.instant();
        pending.values().removeIf(c -> !c.expires().isAfter(now));
        while (pending.size() >= max) {
            pending.entrySet().stream().min(Map.Entry.comparingByValue(java.util.Comparator.comparing(
                    Confirmation::expires))).ifPresent(e -> pending.remove(e.getKey()));
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        pending.put(value, new Confirmation(session, path, now.plus(TTL)));
        return value;
    }

    /**
     * Uses up {@code value} for a request of {@code session} to {@code path}: null when it confirms it, otherwise why
     * not (unknown, used, expired, another session's, for another path). A confirmation that does not fit is gone
     * as well: it cannot be tried on another request.
     */
    public String use(String value, String session, String path) {
        Confirmation c = value == null ? null : pending.remove(value);
        if (c == null) {
            return "the confirmation is unknown or was used already (each is good for one request)";
        }
        if (!c.expires().isAfter(clock.instant())) {
            return "the confirmation expired (" + TTL.toSeconds() + " s after it was given)";
        }
        if (!equal(c.session(), session)) {
            return "the confirmation was given to another session";
        }
        if (!c.path().equals(path)) {
            return "the confirmation was given for " + c.path() + ", not " + path;
        }
        return null;
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
