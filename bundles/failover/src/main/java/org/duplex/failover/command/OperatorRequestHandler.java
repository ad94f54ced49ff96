package org.duplex.failover.command;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.duplex.api.failover.OperatorRequest;
import org.duplex.failover.service.FailoverService;

/**
 * The coordinator's side of a forwarded operator request: the same {@link Commands} text the local command prints,
 * or a refusal (an exception whose message the asking node prints).
 */
public final class OperatorRequestHandler implements Function<OperatorRequest, String> {

    /** The operations another node may forward here. */
    public static final List<String> OPERATIONS = List.of("switchover", "cleanup");

    private final FailoverService service;

    public OperatorRequestHandler(FailoverService service) {
        this.service = service;
    }

    @Override
    public String apply(OperatorRequest r) {
        List<String> a = r.arguments();
        try {
            return switch (r.operation()) {
                case "switchover" -> {
                    arity(r, 1, 2);
                    yield new Commands(service).switchoverHere(a.get(0), a.size() > 1 ? Optional.of(a.get(1))
                            : Optional.empty(), r.origin());
                }
                case "cleanup" -> {
                    arity(r, 1, 1);
                    yield new Commands(service).cleanupHere(a.get(0), r.origin());
                }
                default -> throw new IllegalArgumentException("unknown operator request '" + r.operation()
                        + "' (this node serves " + OPERATIONS + ")");
            };
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private static void arity(OperatorRequest r, int min, int max) {
        int n = r.arguments().size();
        if (n < min || n > max) {
            throw new IllegalArgumentException(r.operation() + " takes " + (min == max ? min : min + " or " + max)
                    + " argument(s), got " + n + ": " + r.arguments());
        }
    }
}
