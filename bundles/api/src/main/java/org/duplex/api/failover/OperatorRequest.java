package org.duplex.api.failover;

import java.util.List;
import java.util.Objects;

/**
 * An operator's request forwarded to the coordinator (switchover, cleanup), so an operation works from any node.
 *
 * @param operation what to do, e.g. {@code switchover}
 * @param arguments its arguments, in order
 * @param origin    who asked and where, for the logs and history (e.g. {@code "admin on node2 (shell)"})
 */
public record OperatorRequest(String operation, List<String> arguments, String origin) {

    public OperatorRequest {
        Objects.requireNonNull(operation, "operation");
        if (operation.isBlank()) {
            throw new IllegalArgumentException("operation must not be blank");
        }
        arguments = List.copyOf(Objects.requireNonNull(arguments, "arguments"));
        Objects.requireNonNull(origin, "origin");
    }
}
