package org.duplex.plugin.backup.restic;

/** A backup's progress as restic reports it ({@code message_type=status}). */
public record Progress(double percentDone, long filesDone, long totalFiles, long bytesDone, long totalBytes) {

    public String describe() {
        return String.format("%5.1f%%  %d/%d files  %s/%s", percentDone * 100, filesDone, totalFiles,
                BackupSummary.bytes(bytesDone), BackupSummary.bytes(totalBytes));
    }
}
