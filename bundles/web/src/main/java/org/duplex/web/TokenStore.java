package org.duplex.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens held in memory only (a restart logs everybody out): 32 random bytes, valid for {@code ttl} from
 * login, at most {@code max} at a time (expired ones are dropped first, then the oldest).
 */
public final class TokenStore {

    /** A logged-in user. */
    public record Session(String token, String user, Role role, Instant expires) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration ttl;
    private final int max;

    public TokenStore(Clock clock, Duration ttl, int max) {
        this.clock = clock;
        this.ttl = ttl;
        this.max = max;
    }

    public synchronized Session create(String user, Role role) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.expires().isAfter(now));
        while (sessions.size() >= max) {
            sessions.values().stream().min(java.util.Comparator.comparing(Session::expires))
                    .ifPresent(s -> sessions.remove(s.token()));
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        Session s = new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(b), user, role, now.plus(ttl));
        sessions.put(s.token(), s);
        return s;
    }

    public Optional<Session> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Session s = sessions.get(token);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expires().isAfter(clock.instant())) {
            sessions.remove(token);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void remove(String token) {
        sessions.remove(token);
    }
}
