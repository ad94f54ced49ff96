package org.duplex.failover.command;

import org.duplex.failover.service.FailoverService;

/**
 * What every ha: failover command does around {@link Commands}: call one method on the service, print its text
 * and a line break, return nothing. Invalid input is thrown ({@link IllegalArgumentException}), never printed to
 * System.err: Karaf prints the message and {@code bin/client} exits non-zero.
 */
final class CommandSupport {

    /** One method of {@link Commands}, returning the text to print. */
    @FunctionalInterface
    interface Operation {
        String on(Commands commands) throws Exception;
    }

    private CommandSupport() {
    }

    static Object println(FailoverService service, Operation operation) throws Exception {
        System.out.println(operation.on(new Commands(service)));
        return null;
    }
}
