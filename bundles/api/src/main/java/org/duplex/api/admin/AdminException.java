package org.duplex.api.admin;

import java.util.Objects;

/**
 * An administrative operation refused; nothing was changed. {@link #field()} names the input at fault (the REST
 * API puts it in its error body), {@link #kind()} says whether the input was invalid, named something unknown, or
 * was refused by the cluster in its current state.
 */
public class AdminException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the operation was refused. */
    public enum Kind { INVALID, NOT_FOUND, REFUSED }

    private final Kind kind;
    private final String field;

    public AdminException(Kind kind, String field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The input at fault ({@code "node"}, {@code "group"}, ...), or null when no single input is. */
    public String field() {
        return field;
    }
}
