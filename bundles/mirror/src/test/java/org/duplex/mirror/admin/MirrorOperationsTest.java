package org.duplex.mirror.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.admin.AdminException;
import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.mirror.MirrorOutcome;
import org.duplex.api.mirror.MirrorVolumeStatus;
import org.duplex.api.model.NodeId;
import org.duplex.mirror.command.MirrorCommandsAccess;
import org.duplex.mirror.component.MirrorRegistry;
import org.duplex.mirror.component.RegistryAccess;
import org.duplex.mirror.component.VolumeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations behind both the ha:mirror-* commands and the API's MirrorAdmin, on real volumes (files under a
 * temporary folder) in a registry bound to a fake quorate cluster at epoch 7.
 */
class MirrorOperationsTest {

    @TempDir
    Path dir;

    private MirrorRegistry registry;
    private MirrorOperations ops;
    private volatile QuorumState state = state(true, 7);
    private final java.util.List<QuorumListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void quorum(boolean quorate, long epoch) {
        QuorumState previous = state;
        state = state(quorate, epoch);
        listeners.forEach(l -> l.quorumChanged(previous, state));
    }

    private static QuorumState state(boolean quorate, long epoch) {
        NodeId me = NodeId.of("n1");
        return new QuorumState(me, quorate, quorate ? Optional.of(me) : Optional.empty(), new FencingEpoch(epoch),
                Set.of(me), quorate ? 2 : 1, 2, "test");
    }

    private final ClusterService cluster = new ClusterService() {
        @Override
        public QuorumState state() {
            return state;
        }

        @Override
        public AutoCloseable addListener(QuorumListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    };

    private Map<String, Object> config(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("size", "4M");
        p.put("backing.path", dir.resolve(name + ".img").toString());
        p.put("nbd.address", "");
        return p;
    }

    @BeforeEach
    void open() throws Exception {
        registry = new MirrorRegistry();
        RegistryAccess.bindCluster(registry, cluster);
        registry.open(VolumeSettings.parse(config("solo"), dir, dir));
        ops = new MirrorOperations(registry);
    }

    @AfterEach
    void close() {
        RegistryAccess.deactivate(registry);
    }

    private static AdminException refusal(ThrowingCall call) {
        try {
            call.run();
        } catch (AdminException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an AdminException, got " + e, e);
        }
        throw new AssertionError("expected an AdminException, got none");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void anUnknownVolumeIsNotFoundNamingItAndTheOnesThereAre() {
        AdminException e = refusal(() -> ops.promote("nosuch", null, false));
        assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
        assertThat(e.field()).isEqualTo("volume");
        assertThat(e.getMessage()).isEqualTo("no mirror volume 'nosuch' on this node (configured: solo)");
        for (ThrowingCall c : new ThrowingCall[] {() -> ops.volume("nosuch"), () -> ops.verify("nosuch"),
                () -> ops.connect("nosuch"), () -> ops.disconnect("nosuch"), () -> ops.resumeIo("nosuch", true),
                () -> ops.demote("nosuch"), () -> ops.invalidate("nosuch"),
                () -> ops.resolveSplitBrain("nosuch", true)}) {
            assertThat(refusal(c).kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
        }
        // the shell says the same
        assertThatThrownBy(() -> MirrorCommandsAccess.status(registry, "nosuch"))
                .hasMessage("no mirror volume 'nosuch' on this node (configured: solo)");
    }

    @Test
    void aFreshUnreplicatedVolumeAsAValue() throws Exception {
        MirrorVolumeStatus s = ops.volume("solo");
        assertThat(s.name()).isEqualTo("solo");
        assertThat(s.role()).isEqualTo("SECONDARY");
        assertThat(s.writable()).isFalse();
        assertThat(s.replicated()).isFalse();
        assertThat(s.peerAddress()).isNull();
        assertThat(s.peerRole()).isNull();
        assertThat(s.peerDisk()).isEqualTo("UNKNOWN");
        assertThat(s.exportAddress()).as("nbd.address empty: no export").isNull();
        assertThat(s.fencing()).isNull();
        assertThat(s.ioSuspended()).isFalse();
        assertThat(s.splitBrain()).isFalse();
        assertThat(s.promotedEpoch()).isZero();
        assertThat(s.generations().current()).matches("[0-9A-F]{16}");
        assertThat(ops.volumes()).containsExactly(s);
    }

    @Test
    void promoteUsesTheClusterEpochAndDemoteUndoesIt() throws Exception {
        MirrorOutcome p = ops.promote("solo", null, false);
        assertThat(p.operation()).isEqualTo("promote");
        assertThat(p.message()).startsWith("solo is primary (").doesNotContain("forced");
        assertThat(p.status().role()).isEqualTo("PRIMARY");
        assertThat(p.status().writable()).isTrue();
        assertThat(p.status().promotedEpoch()).isEqualTo(7);
        assertThat(p.status().localDisk()).isEqualTo("UP_TO_DATE");
        // a primary's data cannot be declared bad, nor chosen as a split-brain victim
        AdminException inv = refusal(() -> ops.invalidate("solo"));
        assertThat(inv.kind()).isEqualTo(AdminException.Kind.REFUSED);
        assertThat(inv.getMessage()).contains("while primary");
        assertThat(refusal(() -> ops.resolveSplitBrain("solo", true)).getMessage()).contains("demote solo");
        MirrorOutcome d = ops.demote("solo");
        assertThat(d.message()).isEqualTo("solo is secondary");
        assertThat(d.status().role()).isEqualTo("SECONDARY");
        assertThat(d.status().writable()).isFalse();
    }

    @Test
    void promoteWithoutQuorumOrWithABadEpochIsRefused() {
        quorum(false, 7);
        AdminException q = refusal(() -> ops.promote("solo", null, false));
        assertThat(q.kind()).isEqualTo(AdminException.Kind.REFUSED);
        assertThat(q.field()).isNull();
        assertThat(q.getMessage()).containsIgnoringCase("quorum");
        AdminException neg = refusal(() -> ops.promote("solo", -1L, false));
        assertThat(neg.kind()).isEqualTo(AdminException.Kind.INVALID);
        assertThat(neg.field()).isEqualTo("epoch");
    }

    @Test
    void resumeIoNeedsTheConfirmationThatThePeerIsDown() throws Exception {
        AdminException e = refusal(() -> ops.resumeIo("solo", false));
        assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID);
        assertThat(e.field()).isEqualTo("force");
        assertThat(ops.resumeIo("solo", true).message()).isEqualTo("volume solo: writes are not suspended");
    }

    @Test
    void verifyNeedsAConnectedPeerAndTheOtherOperationsSayWhatTheyDid() throws Exception {
        AdminException v = refusal(() -> ops.verify("solo"));
        assertThat(v.kind()).isEqualTo(AdminException.Kind.REFUSED);
        assertThat(v.getMessage()).contains("verify needs a connected");
        assertThat(ops.disconnect("solo").status().connection()).isEqualTo("STANDALONE");
        assertThat(ops.connect("solo").message()).isEqualTo("solo: connecting to the peer (see ha:mirror-status)");
        MirrorOutcome i = ops.invalidate("solo");
        assertThat(i.message()).contains("full sync from the peer");
        assertThat(i.status().localDisk()).isEqualTo("INCONSISTENT");
        MirrorOutcome r = ops.resolveSplitBrain("solo", false);
        assertThat(r.operation()).isEqualTo("resolve-split-brain");
        assertThat(r.message()).contains("keeps its data", "--discard-local solo");
        assertThat(ops.resolveSplitBrain("solo", true).message()).contains("DISCARDED");
    }

    @Test
    void aReplicatedVolumeWithAnExportShowsItsPeerFencingAndAddress() throws Exception {
        int nbd;
        int repl;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            nbd = a.getLocalPort();
            repl = b.getLocalPort();
        }
        Map<String, Object> p = config("pair");
        p.put("nbd.address", "127.0.0.1");
        p.put("nbd.port", String.valueOf(nbd));
        p.put("local.address", "127.0.0.1");
        p.put("local.port", String.valueOf(repl));
        p.put("peer.address", "192.0.2.1"); // TEST-NET: never answers
        p.put("peer.port", "7789");
        registry.open(VolumeSettings.parse(p, dir, dir));
        MirrorVolumeStatus s = ops.volume("pair");
        assertThat(s.replicated()).isTrue();
        assertThat(s.peerAddress()).isEqualTo("192.0.2.1:7789");
        assertThat(s.exportAddress()).isEqualTo("nbd://127.0.0.1:" + nbd + "/pair");
        assertThat(s.fencing()).isNotBlank();
        assertThat(s.peerRole()).isNull();
        assertThat(ops.volumes()).extracting(MirrorVolumeStatus::name).containsExactly("pair", "solo");
        assertThat(refusal(() -> ops.volume("nope")).getMessage()).endsWith("(configured: pair, solo)");
    }
}
