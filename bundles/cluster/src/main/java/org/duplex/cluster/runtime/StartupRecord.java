package org.duplex.cluster.runtime;

import java.time.Instant;
import java.util.Optional;

/**
 * Why the cluster node of this JVM is not running, for {@code ha:status}: when the cluster component fails to
 * activate (a port already in use, a bad configuration) DS registers no service, so the reason is kept here, where
 * the commands of the same bundle can read it.
 */
public final class StartupRecord {

    /** One failed start: when, and the cause chain as one line. */
    public record Failure(Instant at, String reason) {
    }

    private static volatile Failure last;

    private StartupRecord() {
    }

    public static void failed(Throwable error, Instant at) {
        last = new Failure(at, describe(error));
    }

    public static void started() {
        last = null;
    }

    public static Optional<Failure> lastFailure() {
        return Optional.ofNullable(last);
    }

    /** "message; caused by: message..." without repeating a cause whose text its wrapper already shows. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        String previous = null;
        int depth = 0;
        for (Throwable t = error; t != null && depth < 8; t = t.getCause(), depth++) {
            String m = t.getMessage() == null || t.getMessage().isBlank()
                    ? t.getClass().getSimpleName() : t.getMessage();
            if (previous != null && previous.contains(m)) {
                continue;
            }
            text.append(text.length() > 0 ? "; caused by: " : "").append(m);
            previous = m;
        }
        return text.toString();
    }

    /** What ha:status prints when no cluster node runs in this JVM. */
    public static String notRunning(Optional<Failure> failure) {
        StringBuilder s = new StringBuilder("Cluster: NOT RUNNING on this node\n");
        failure.ifPresentOrElse(
                f -> s.append("  start failed at ").append(f.at()).append(": ").append(f.reason()).append('\n'),
                () -> s.append("  no cluster configuration is active (etc/org.duplex.cluster.cfg missing, or the"
                        + " cluster bundle is stopped)\n"));
        s.append("  fix the cause, then: bundle:restart org.duplex.cluster (details in data/log/karaf.log)\n");
        return s.toString();
    }
}
