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
                    List<String> rest = new java.util.ArrayList<>(a);
                    boolean reorder = rest.remove(Commands.REORDER);
                    boolean clear = rest.remove(Commands.CLEAR);
                    arity(new OperatorRequest(r.operation(), rest, r.origin()), 1, clear ? 1 : 2);
                    String by = r.origin();
                    yield clear ? new Commands(service).clearHere(rest.get(0), by, r.origin())
                            : new Commands(service).switchoverHere(rest.get(0), rest.size() > 1
                            ? Optional.of(rest.get(1)) : Optional.empty(), reorder, by, r.origin());
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
