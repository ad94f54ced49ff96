package org.duplex.api.admin;

import java.time.Instant;

/**
 * One backup attempt.
 *
 * @param job       the job
 * @param trigger   {@code manual} or the schedule slot
 * @param started   when it began
 * @param ended     when it ended
 * @param succeeded whether it did
 * @param message   what happened
 */
public record BackupRun(String job, String trigger, Instant started, Instant ended, boolean succeeded,
                        String message) {
}
