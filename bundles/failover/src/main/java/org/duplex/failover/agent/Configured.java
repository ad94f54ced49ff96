package org.duplex.failover.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.Resource;

/**
 * The preamble every built-in agent operation shares: parse the resource's parameters, or answer
 * {@link OcfStatus#ERR_CONFIGURED} naming every problem found (joined by "; "), without touching the system.
 * The elapsed time counts from before the parse, in both outcomes.
 *
 * <pre>
 * public OperationResult stop(Resource r, Duration timeout) throws InterruptedException {
 *     return Configured.run(r, this::parse, (spec, t0) -&gt; stop(spec, r, timeout, t0));
 * }
 * </pre>
 *
 * Agents outside this bundle (the mirror's, plug-ins') see only the API bundle and keep their own preamble;
 * the mirror agent's is not this one anyway (its stop and monitor succeed on an unknown volume).
 */
public final class Configured {

    /** Reads the parameters, adding one message per problem (naming the resource and parameter). */
    @FunctionalInterface
    public interface Parser<S> {
        S parse(Resource resource, List<String> problems);
    }

    /** The operation proper, given the parsed parameters and {@link System#nanoTime()} at its start. */
    @FunctionalInterface
    public interface Operation<S, X extends Exception> {
        OperationResult run(S spec, long t0) throws X;
    }

    private Configured() {
    }

    /**
     * Parses, then runs the operation; any problem (even with a non-null parse result) gives
     * {@link OcfStatus#ERR_CONFIGURED} and the operation is not run.
     */
    public static <S, X extends Exception> OperationResult run(Resource resource, Parser<S> parser,
            Operation<S, X> operation) throws X {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        S spec = parser.parse(resource, problems);
        if (!problems.isEmpty()) {
            return OperationResult.of(OcfStatus.ERR_CONFIGURED, String.join("; ", problems), since(t0));
        }
        return operation.run(spec, t0);
    }

    /** The problems the parser finds: what {@code validate} returns for agents that check nothing more. */
    public static List<String> problems(Resource resource, Parser<?> parser) {
        List<String> problems = new ArrayList<>();
        parser.parse(resource, problems);
        return problems;
    }

    /** Time since {@code t0} ({@link System#nanoTime()}). */
    public static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
