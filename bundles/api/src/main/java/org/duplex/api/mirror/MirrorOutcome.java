package org.duplex.api.mirror;

import java.util.Objects;

/**
 * A completed mirror operation.
 *
 * @param volume    the volume
 * @param operation what was done: {@code verify}, {@code connect}, {@code disconnect}, {@code resume-io},
 *                  {@code promote}, {@code demote}, {@code invalidate}, {@code resolve-split-brain}
 * @param message   the outcome in words, as the shell command prints it
 * @param status    the volume's status right after
 */
public record MirrorOutcome(String volume, String operation, String message, MirrorVolumeStatus status) {

    public MirrorOutcome {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(operation, "operation");
        message = message == null ? "" : message;
        Objects.requireNonNull(status, "status");
    }
}
