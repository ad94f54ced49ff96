package org.duplex.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * While steady, the tick comes when the tiebreaker's I/O is due, never before it, and never so late that a
 * disk-lease holder's renewals drift towards the survivor's stall limit (2 renew intervals: a holder that left the
 * view and looks stalled that long is fenced).
 */
class SteadyTickTest {

    private static final long MS = 1_000_000;

    @Test
    void aHolderRenewsAtItsIntervalAndNeverTicksBeforeTheRenewalIsDue() {
        for (long renew = 50; renew <= 5000; renew += 50) {
            for (long fast : new long[] {10, 50, 100}) {
                if (fast >= renew) {
                    continue; // a fast tick as long as the renew interval is a misconfiguration on its own
                }
                // simulate the steady chain: the tick does the I/O once due, then schedules by steadyDelay
                long now = 0;
                long lastIo = 0;
                long worstGap = 0;
                for (int i = 0; i < 200; i++) {
                    long due = lastIo + renew * MS;
                    long delay = ClusterNode.steadyDelay(fast, now, due);
                    assertThat(delay).isBetween(fast, Math.max(fast, ClusterNode.STEADY_TICK_MS));
                    now += delay * MS + (i % 3) * 200_000; // the executor runs a tick up to 0.4 ms late
                    if (now - lastIo >= renew * MS) {
                        worstGap = Math.max(worstGap, now - lastIo);
                        lastIo = now;
                    }
                }
                assertThat(worstGap).as("renew %d ms, fast tick %d ms", renew, fast)
                        .isLessThanOrEqualTo((renew + fast) * MS).isLessThan(2 * renew * MS);
            }
        }
    }

    @Test
    void withNothingDueTheSteadyTickIsAQuarterSecond() {
        assertThat(ClusterNode.steadyDelay(50, 0, Long.MAX_VALUE)).isEqualTo(250);
        assertThat(ClusterNode.steadyDelay(500, 0, Long.MAX_VALUE)).isEqualTo(500);
    }

    @Test
    void aDefaultLeaseTicksOncePerRenewalNotTwice() {
        // renewed 0.5 ms ago, renew interval 200 ms: the next tick is the renewal, just after it is due
        assertThat(ClusterNode.steadyDelay(50, 500_000, 200 * MS)).isEqualTo(201);
        // renew interval 250 ms: capped at the steady tick, which (taken after the renewal) is never early
        assertThat(ClusterNode.steadyDelay(50, 500_000, 250 * MS)).isEqualTo(250);
        // due in 0.3 ms: rounded up, never early
        assertThat(ClusterNode.steadyDelay(0, 0, 300_000)).isEqualTo(2);
        // overdue (a tick that found nothing due, or I/O never started): the fast tick
        assertThat(ClusterNode.steadyDelay(50, 10 * MS, 5 * MS)).isEqualTo(50);
        assertThat(ClusterNode.steadyDelay(50, 0, Long.MIN_VALUE)).isEqualTo(50);
    }
}
