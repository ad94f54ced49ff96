package org.duplex.cluster.command;

import java.time.Duration;

import org.duplex.cluster.config.ConfigException;
import org.duplex.cluster.runtime.AdminOperations;
import org.duplex.cluster.runtime.ClusterAdmin;
import org.duplex.cluster.runtime.StartupRecord;

/**
 * What every ha: cluster command does around {@link AdminOperations}: call one operation, print its text, return
 * nothing. Failures are thrown, never printed to System.err: Karaf prints the message and {@code bin/client}
 * exits non-zero. A refused configuration change ({@link ConfigException}) becomes an
 * {@link IllegalArgumentException} whose message says nothing changed.
 */
final class CommandSupport {

    /** How long a configuration change waits for the cluster to confirm it. */
    static final Duration CONFIRM = Duration.ofSeconds(5);

    /** One operation of {@link AdminOperations}, returning the text to print. */
    @FunctionalInterface
    interface Operation {
        String on(AdminOperations operations) throws Exception;
    }

    private CommandSupport() {
    }

    /**
     * The commands' ClusterAdmin references are optional: Karaf registers none of a bundle's commands while one
     * mandatory reference is missing, so a node whose cluster failed to start lost ha:status too. Without it, every
     * command fails with the reason the node is not running.
     */
    static AdminOperations operations(ClusterAdmin admin) {
        if (admin == null) {
            throw new IllegalStateException(StartupRecord.notRunning(StartupRecord.lastFailure()).strip());
        }
        return new AdminOperations(admin, CONFIRM);
    }

    /** Prints the text and a line break. */
    static Object println(ClusterAdmin admin, Operation operation) throws Exception {
        System.out.println(operation.on(operations(admin)));
        return null;
    }

    /** Prints the text as it is (texts that end with their own line break: tables, YAML). */
    static Object print(ClusterAdmin admin, Operation operation) throws Exception {
        System.out.print(operation.on(operations(admin)));
        return null;
    }

    /** A configuration change: prints its outcome, or fails with {@code refused} followed by the reason. */
    static Object change(ClusterAdmin admin, String refused, Operation operation) throws Exception {
        String text;
        try {
            text = operation.on(operations(admin));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(refused + e.getMessage());
        }
        System.out.println(text);
        return null;
    }
}
