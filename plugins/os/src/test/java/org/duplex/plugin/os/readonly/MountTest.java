package org.duplex.plugin.os.readonly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountTest {

    private static final String MOUNTS = """
            /dev/vda / ext4 rw,relatime 0 0
            proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
            /dev/vdb1 /srv ext4 rw,relatime 0 0
            /dev/loop3 /srv/my\\040data ext4 ro,relatime,errors=remount-ro 0 0
            tmpfs /srv/stack tmpfs rw,size=1024k 0 0
            /dev/vdc /srv/stack xfs ro,noatime 0 0
            """;

    @Test
    void parsesOptionsAndTheKernelsEscapes() {
        List<Mount> mounts = Mount.parse(MOUNTS);
        assertThat(mounts).hasSize(6);
        assertThat(mounts.get(3)).isEqualTo(new Mount("/dev/loop3", Path.of("/srv/my data"), "ext4",
                List.of("ro", "relatime", "errors=remount-ro")));
        assertThat(mounts.get(3).readOnly()).isTrue();
        assertThat(mounts.get(0).readOnly()).isFalse();
        assertThat(Mount.unescape("a\\134b\\011c")).isEqualTo("a\\b\tc");
        assertThat(Mount.unescape("trailing\\04")).isEqualTo("trailing\\04");
    }

    @Test
    void theLongestMountPointHoldsAPathAndTheLastOfAStackWins() {
        List<Mount> mounts = Mount.parse(MOUNTS);
        assertThat(Mount.holding(mounts, Path.of("/srv/my data/x")).orElseThrow().device()).isEqualTo("/dev/loop3");
        assertThat(Mount.holding(mounts, Path.of("/srv/my")).orElseThrow().device()).isEqualTo("/dev/vdb1");
        assertThat(Mount.holding(mounts, Path.of("/srv/stack/a")).orElseThrow().device()).isEqualTo("/dev/vdc");
        assertThat(Mount.holding(mounts, Path.of("/etc/hosts")).orElseThrow().device()).isEqualTo("/dev/vda");
        assertThat(Mount.holding(mounts, Path.of("/srvx")).orElseThrow().mountPoint()).isEqualTo(Path.of("/"));
    }
}
