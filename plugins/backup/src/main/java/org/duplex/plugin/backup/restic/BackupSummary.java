package org.duplex.plugin.backup.restic;

import java.time.Duration;

/**
 * restic's summary of a finished backup ({@code message_type=summary}).
 *
 * @param dataAdded bytes added to the repository after deduplication and compression: small for a second backup of
 *                  unchanged data
 */
public record BackupSummary(String snapshotId, long filesNew, long filesChanged, long filesUnmodified,
                            long dataAdded, long totalFilesProcessed, long totalBytesProcessed, Duration duration) {

    public String describe() {
        return String.format("snapshot %s: %d files (%d new, %d changed), %s processed, %s added, %.1f s",
                snapshotId, totalFilesProcessed, filesNew, filesChanged, bytes(totalBytesProcessed), bytes(dataAdded),
                duration.toMillis() / 1000.0);
    }

    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
