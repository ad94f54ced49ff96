package org.duplex.plugin.os.disk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InodeUsageTest {

    @Test
    void parsesDfRowsFromTheRight() {
        String df = """
                Filesystem       Inodes  IUsed    IFree IUse% Mounted on
                /dev/vda       16777216 438739 16338477    3% /
                """;
        InodeUsage u = InodeUsage.parseDf(df).orElseThrow();
        assertThat(u).isEqualTo(new InodeUsage(16777216, 438739, 16338477));
        assertThat(u.usedPercent()).isBetween(2.6, 2.7);

        String spaces = """
                Filesystem            Inodes IUsed IFree IUse% Mounted on
                //nas/share name         100    91     9   91% /mnt/my share
                """;
        assertThat(InodeUsage.parseDf(spaces)).contains(new InodeUsage(100, 91, 9));
    }

    @Test
    void filesystemsWithoutInodeCountsAreNotCounted() {
        String btrfs = "Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sdb 0 0 0 - /data\n";
        assertThat(InodeUsage.parseDf(btrfs).orElseThrow().counted()).isFalse();
        String vfat = "Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sdc1 - - - - /boot/efi\n";
        assertThat(InodeUsage.parseDf(vfat).orElseThrow().counted()).isFalse();
        assertThat(InodeUsage.parseDf("df: /nope: No such file or directory\n")).isEmpty();
    }

    @Test
    void usedShareOfSpaceIsDfs() {
        // 5 % reserved for root: df counts used / (used + available), not used / total
        SpaceUsage s = new SpaceUsage(1000, 100, 50);
        assertThat(s.used()).isEqualTo(900);
        assertThat(s.usedPercent()).isCloseTo(94.7, org.assertj.core.data.Offset.offset(0.1));
    }
}
