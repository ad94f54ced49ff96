package org.duplex.itests;

import java.util.function.BooleanSupplier;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/** What the Pax Exam tests inside the distribution share: polling, admin shell commands, service counts. */
final class ExamSupport {

    /** A generous deadline: the container runs on a busy 2-core CI box. */
    static final long WAIT_MS = 60_000;

    private ExamSupport() {
    }

    /** Polls {@code condition} every 100 ms until it holds, or fails naming {@code what} after {@link #WAIT_MS}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT_MS + " ms waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Runs a shell command as the JAAS-logged-in admin (the ha: commands are guarded by
     * etc/org.apache.karaf.command.acl.ha.cfg); a failure is an AssertionError naming the command.
     */
    static String admin(SessionFactory sessionFactory, String command) {
        try {
            return ShellAs.admin(sessionFactory, command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e, e);
        }
    }

    /** How many services of {@code clazz} match {@code filter}. */
    static int services(BundleContext context, String clazz, String filter) {
        try {
            var refs = context.getAllServiceReferences(clazz, filter);
            return refs == null ? 0 : refs.length;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
