package org.duplex.plugin.backup.job;

import java.time.Instant;
import java.util.Optional;

import org.duplex.plugin.backup.restic.BackupSummary;

/**
 * One backup attempt on this node.
 *
 * @param trigger "slot 20261206T0200Z", "slot ... (catch-up)" or "manual"
 * @param summary present exactly when the attempt succeeded
 * @param message what happened, for the operator
 */
public record RunRecord(String trigger, Instant started, Instant ended, Optional<BackupSummary> summary,
                        String message) {

    public boolean succeeded() {
        return summary.isPresent();
    }
}
