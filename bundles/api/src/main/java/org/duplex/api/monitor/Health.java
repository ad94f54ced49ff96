package org.duplex.api.monitor;

/** The verdict of a health check. */
public enum Health {
    HEALTHY,
    /** Working, but an operator should look (slow answers, a redundant path lost). */
    DEGRADED,
    UNHEALTHY,
    /** The check itself could not run (timeout, missing tool): not evidence of a failure. */
    UNKNOWN
}
