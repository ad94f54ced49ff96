package org.duplex.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.jgroups.stack.IpAddress;
import org.junit.jupiter.api.Test;

class JoinTimeoutTest {

    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void aNodeThatIsItsOwnOnlyMemberDoesNotWaitForDiscovery() {
        assertThat(JGroupsEngine.joinTimeoutMs(List.of(new IpAddress(LO, 7800)), LO, 7800)).isEqualTo(1);
        assertThat(JGroupsEngine.joinTimeoutMs(List.of(), LO, 7800)).isEqualTo(1);
    }

    @Test
    void anyOtherMemberMeansWaitingForItsAnswer() throws Exception {
        assertThat(JGroupsEngine.joinTimeoutMs(List.of(new IpAddress(LO, 7800), new IpAddress(LO, 7801)), LO, 7800))
                .isEqualTo(500);
        // same port on another host is another node
        assertThat(JGroupsEngine.joinTimeoutMs(List.of(new IpAddress(InetAddress.getByName("10.0.0.2"), 7800)), LO,
                7800)).isEqualTo(500);
    }
}
