package org.duplex.api.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * One mutating operation, from the shell or the REST API.
 *
 * @param at        when it ended
 * @param user      who (the JAAS user name)
 * @param source    from where (remote address, or {@code console} for the local shell)
 * @param channel   {@code rest} or {@code shell}
 * @param operation what ({@code switchover}, {@code ha:node-standby}, {@code login}, ...)
 * @param arguments with which arguments (passwords never)
 * @param success   whether it succeeded
 * @param result    its outcome or the reason it failed or was denied
 */
public record AuditEntry(Instant at, String user, String source, String channel, String operation, String arguments,
                         boolean success, String result) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        user = user == null ? "-" : user;
        source = source == null ? "-" : source;
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(operation, "operation");
        arguments = arguments == null ? "" : arguments;
        result = result == null ? "" : result;
    }
}
