package org.duplex.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The steady tick interval may never let a disk-lease holder's renewals drift past the survivor's stall limit
 * (2 renew intervals: a holder that left the view and looks stalled that long is fenced).
 */
class SteadyTickTest {

    @Test
    void aHolderRenewingAtTheSteadyIntervalStaysWellInsideTheStallLimit() {
        for (long renew = 50; renew <= 5000; renew += 50) {
            for (long fast : new long[] {10, 50, 100}) {
                if (fast >= renew) {
                    continue; // a fast tick as long as the renew interval is a misconfiguration on its own
                }
                long steady = ClusterNode.steadyTick(fast, renew);
                long worstRenewalGap = renew + steady; // renewed at the first tick after each renew interval
                assertThat(worstRenewalGap).as("renew %d ms, fast tick %d ms", renew, fast)
                        .isLessThan(2 * renew + 1).isLessThanOrEqualTo(Math.max(renew + fast, renew * 3 / 2));
                assertThat(steady).isGreaterThanOrEqualTo(fast).isLessThanOrEqualTo(Math.max(fast, 250));
            }
        }
    }

    @Test
    void defaultsTickEvery125MsWhileSteady() {
        assertThat(ClusterNode.steadyTick(50, 250)).isEqualTo(125);
        assertThat(ClusterNode.steadyTick(50, 0)).isEqualTo(250);
    }
}
