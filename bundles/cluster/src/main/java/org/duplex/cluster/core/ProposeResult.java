package org.duplex.cluster.core;

/** The outcome of a configuration change request on this node. */
public record ProposeResult(Status status, long version, String message) {

    public enum Status { APPLIED, FORWARDED, REJECTED }

    public boolean ok() {
        return status != Status.REJECTED;
    }
}
