package org.duplex.api.model;

/** What a node may do in the cluster. */
public enum NodeRole {
    /** Votes and runs resources. */
    MEMBER,
    /** Votes only (a tiebreaker on a third machine); never runs resources. */
    WITNESS
}
