package org.duplex.mirror.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.duplex.api.cluster.FencingEpoch;
import org.duplex.mirror.gi.DiskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the mirror simulator (issue 13 §6): a primary whose machine restarted (power loss, kernel crash) lost the
 * writes it had acknowledged from its page cache, yet came back UpToDate as a "crashed primary" and was made the
 * sync source over its peer, which had them (or was promoted alone). The boot id recorded at the promotion tells
 * a machine restart from a process kill.
 */
class MachineRestartTest {
    @TempDir
    Path dir;

    /** Opens a volume, promotes it, and leaves its metadata as a crash of the primary would. */
    private VolumeConfig crashedPrimary(String bootIdAfter) throws Exception {
        VolumeConfig c = VolumeConfig.of("vol", 1 << 20, dir.resolve("d.img"), dir.resolve("meta"))
                .withSkipInitialSync(true).withPeer("127.0.0.1", 1);
        Path state = c.metaDir().resolve("state.properties");
        Path saved = dir.resolve("state.while-primary");
        try (MirrorVolume v = new MirrorVolume(c, QuorumGate.standalone())) {
            v.promote(new FencingEpoch(1));
            Files.copy(state, saved, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(saved, state, StandardCopyOption.REPLACE_EXISTING); // as if it had never demoted
        if (bootIdAfter != null) {
            Files.writeString(c.metaDir().resolve(BootId.FILE), bootIdAfter + "\n");
        }
        return c;
    }

    @Test
    void aPrimaryKilledOnTheSameBootStaysUpToDate() throws Exception {
        VolumeConfig c = crashedPrimary(null);
        assertThat(BootId.recorded(c.metaDir())).isEqualTo(BootId.current());
        try (MirrorVolume v = new MirrorVolume(c, QuorumGate.standalone())) {
            assertThat(v.diskState()).isEqualTo(DiskState.UP_TO_DATE);
        }
    }

    @Test
    void aPrimaryWhoseMachineRestartedComesBackOutdated() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(BootId.current().isEmpty(), "no boot id on this system");
        VolumeConfig c = crashedPrimary("00000000-0000-0000-0000-000000000000");
        try (MirrorVolume v = new MirrorVolume(c, QuorumGate.standalone())) {
            assertThat(v.diskState()).isEqualTo(DiskState.OUTDATED);
            assertThatThrownBy(() -> v.promote(new FencingEpoch(2)))
                    .hasMessageContaining("restarted (power loss or kernel crash) while primary");
        }
    }

    @Test
    void unknownBootIdsTellNothing() {
        assertThat(BootId.restartedSince("", "b")).isFalse();
        assertThat(BootId.restartedSince("a", "")).isFalse();
        assertThat(BootId.restartedSince("a", "a")).isFalse();
        assertThat(BootId.restartedSince("a", "b")).isTrue();
    }
}
