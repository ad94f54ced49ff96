package org.duplex.failover.executor;

/** Receives every report of the local executor (operation results and monitor state changes). Must be quick. */
@FunctionalInterface
public interface ExecutionListener {

    void reported(Report report);
}
