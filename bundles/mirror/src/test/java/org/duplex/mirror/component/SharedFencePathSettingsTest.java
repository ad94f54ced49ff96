package org.duplex.mirror.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.duplex.mirror.leg.Fencing;
import org.duplex.mirror.fence.FencePathPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 4: resource-only resumes writes when the peer is unreachable on both paths, which proves nothing
 * when the fencing path goes to the peer's replication address. Such a volume runs as resource-and-stonith unless
 * fence.shared.path.ok = true, and says so (the log line at start and ha:mirror-status).
 */
class SharedFencePathSettingsTest {
    @TempDir
    Path dir;

    private Map<String, Object> replicated() {
        Map<String, Object> p = new HashMap<>();
        p.put("name", "data");
        p.put("size", "4M");
        p.put("backing.path", dir.resolve("data.img").toString());
        p.put("nbd.address", "");
        p.put("local.address", "10.0.0.1");
        p.put("peer.address", "10.0.0.2");
        return p;
    }

    private VolumeSettings parse(Map<String, Object> p) {
        return VolumeSettings.parse(p, dir, dir);
    }

    @Test
    void resourceOnlyWithTheFenceAddressesUnsetRunsAsResourceAndStonithAndSaysWhyAndHowToFixIt() {
        VolumeSettings s = parse(replicated());
        assertThat(s.volume().fencing()).isEqualTo(Fencing.RESOURCE_AND_STONITH);
        assertThat(s.fencing().requested()).isEqualTo(Fencing.RESOURCE_ONLY);
        assertThat(s.fencing().sharedPath()).isTrue();
        assertThat(s.fencing().note()).hasValueSatisfying(n -> assertThat(n)
                .contains("Mirror volume data: fencing = resource-only")
                .contains("peer's replication address 10.0.0.2 (fence.peer.address is not set)")
                .contains("Running as resource-and-stonith")
                .contains("ha:mirror-resume-io --force data")
                .contains("set fence.local.address and fence.peer.address to the cluster interface")
                .contains("fence.shared.path.ok = true"));
        assertThat(s.fencing().summary()).isEqualTo("resource-and-stonith (resource-only asked, but the fencing path "
                + "shares the replication NIC: set fence.peer.address to the cluster interface, or "
                + "fence.shared.path.ok = true)");
    }

    @Test
    void aFencePeerAddressEqualToThePeerAddressIsTheSamePath() {
        Map<String, Object> p = replicated();
        p.put("fencing", "resource-only");
        p.put("fence.local.address", "10.0.0.1");
        p.put("fence.peer.address", " 10.0.0.2 ");
        VolumeSettings s = parse(p);
        assertThat(s.volume().fencing()).isEqualTo(Fencing.RESOURCE_AND_STONITH);
        assertThat(s.fencing().note()).hasValueSatisfying(n -> assertThat(n)
                .contains("fence.peer.address = peer.address"));
    }

    @Test
    void aFencingPathOnAnotherAddressKeepsResourceOnly() {
        Map<String, Object> p = replicated();
        p.put("fence.local.address", "10.0.1.1");
        p.put("fence.peer.address", "10.0.1.2");
        VolumeSettings s = parse(p);
        assertThat(s.volume().fencing()).isEqualTo(Fencing.RESOURCE_ONLY);
        assertThat(s.fencing().sharedPath()).isFalse();
        assertThat(s.fencing().note()).isEmpty();
        assertThat(s.fencing().summary()).isEqualTo("resource-only");
    }

    @Test
    void theOverrideKeepsResourceOnlyOnASharedPathAndNamesTheRisk() {
        Map<String, Object> p = replicated();
        p.put("fence.shared.path.ok", "true");
        VolumeSettings s = parse(p);
        assertThat(s.volume().fencing()).isEqualTo(Fencing.RESOURCE_ONLY);
        assertThat(s.fencing().note()).hasValueSatisfying(n -> assertThat(n)
                .contains("fence.shared.path.ok = true: resource-only resumes writes")
                .contains("promoting the peer loses the writes acknowledged meanwhile"));
        assertThat(s.fencing().summary()).isEqualTo("resource-only (the fencing path shares the replication NIC)");
        p.put("fence.shared.path.ok", "yes");
        assertThatThrownBy(() -> parse(p)).hasMessageContaining("'fence.shared.path.ok' must be true or false");
    }

    @Test
    void haMirrorStatusShowsTheFencingTheVolumeRunsWith() throws Exception {
        Map<String, Object> p = replicated();
        p.put("local.address", "127.0.0.1");
        p.put("peer.address", "127.0.0.1");
        try (java.net.ServerSocket a = new java.net.ServerSocket(0);
             java.net.ServerSocket b = new java.net.ServerSocket(0);
             java.net.ServerSocket f = new java.net.ServerSocket(0)) { // free ports; the peer never answers
            p.put("local.port", Integer.toString(a.getLocalPort()));
            p.put("peer.port", Integer.toString(b.getLocalPort()));
            p.put("fence.port", Integer.toString(f.getLocalPort()));
        }
        MirrorRegistry registry = new MirrorRegistry();
        try {
            registry.open(parse(p));
            assertThat(new org.duplex.mirror.command.MirrorCommands(registry).status("data"))
                    .contains("fencing: resource-and-stonith (resource-only asked");
        } finally {
            registry.deactivate();
        }
    }

    @Test
    void theOtherPoliciesAreLeftAsAsked() {
        Map<String, Object> p = replicated();
        p.put("fencing", "resource-and-stonith");
        VolumeSettings s = parse(p);
        assertThat(s.volume().fencing()).isEqualTo(Fencing.RESOURCE_AND_STONITH);
        assertThat(s.fencing().note()).hasValueSatisfying(n -> assertThat(n).contains("writes then stay suspended"));
        p.put("fencing", "dont-care");
        s = parse(p);
        assertThat(s.volume().fencing()).isEqualTo(Fencing.DONT_CARE);
        assertThat(s.fencing().note()).isEmpty();
        Map<String, Object> solo = replicated();
        solo.remove("peer.address");
        assertThat(parse(solo).fencing()).isNull();
        assertThat(FencePathPolicy.decide("v", Fencing.RESOURCE_ONLY, "node2", "NODE2", false).effective())
                .isEqualTo(Fencing.RESOURCE_AND_STONITH);
    }
}
