package org.duplex.api.admin;

import java.time.Instant;

/**
 * The latest result of a bound monitor on one node.
 *
 * @param failing true once {@code count} checks failed in a row
 * @param reason  the verdict and the monitor's own reason
 * @param at      when it was known
 */
public record MonitorResult(boolean failing, String reason, Instant at) {
}
