package org.duplex.plugin.backup.restic;

import java.time.Instant;

/** A lock file in a repository ({@code restic cat lock ID}): who holds it. */
public record LockInfo(String id, String hostname, long pid, Instant time, boolean exclusive) {

    public String describe() {
        return (exclusive ? "exclusive" : "shared") + " lock " + id.substring(0, Math.min(8, id.length()))
                + " held by pid " + pid + " on host " + hostname + " since " + time;
    }
}
