package org.duplex.failover.selffence;

/** How this node reboots itself: an exec command in production ({@link ExecRebootAction}), a fake in tests. */
@FunctionalInterface
public interface RebootAction {

    /** What the action said: whether it was accepted, and its output. */
    record Outcome(boolean ok, String detail) {
    }

    /**
     * Reboots this machine. Returns when the command returned (a successful reboot usually ends the JVM before
     * or soon after that).
     */
    Outcome reboot(String reason) throws InterruptedException;
}
