package org.duplex.plugin.backup.restic;

import java.time.Instant;
import java.util.List;

/** One snapshot as restic lists it ({@code restic snapshots --json}). */
public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> tags,
                       List<String> paths) {

    public Snapshot {
        tags = List.copyOf(tags);
        paths = List.copyOf(paths);
    }

    /** The value of a {@code key=value} tag, if the snapshot carries one. */
    public java.util.Optional<String> tag(String key) {
        String prefix = key + "=";
        return tags.stream().filter(t -> t.startsWith(prefix)).map(t -> t.substring(prefix.length())).findFirst();
    }
}
