package org.duplex.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void parsesBinaryUnits() {
        assertThat(Sizes.parse("4096")).contains(4096L);
        assertThat(Sizes.parse("4096B")).contains(4096L);
        assertThat(Sizes.parse("2GiB")).contains(2L << 30);
        assertThat(Sizes.parse("2g")).contains(2L << 30);
        assertThat(Sizes.parse("1.5 TiB")).contains(3L << 39);
        assertThat(Sizes.parse("512MiB")).contains(512L << 20);
        assertThat(Sizes.parse("10K")).contains(10240L);
        assertThat(Sizes.parse("2 GB")).isEmpty();
        assertThat(Sizes.parse("2gb")).isEmpty();
        assertThat(Sizes.parse("5iB")).isEmpty();
        assertThat(Sizes.parse("-1G")).isEmpty();
        assertThat(Sizes.parse("lots")).isEmpty();
    }

    @Test
    void formatsLikeDf() {
        assertThat(Sizes.format(512)).isEqualTo("512 B");
        assertThat(Sizes.format(2L << 30)).isEqualTo("2 GiB");
        assertThat(Sizes.format((long) (1.2 * (1L << 30)))).isEqualTo("1.2 GiB");
        assertThat(Sizes.format(1L << 50)).isEqualTo("1 PiB");
        assertThat(Sizes.format(150L << 20)).isEqualTo("150 MiB");
        assertThat(Sizes.percent(90.2)).isEqualTo("91 %");
        assertThat(Sizes.percent(90.0)).isEqualTo("90 %");
        assertThat(Sizes.limit(90)).isEqualTo("90 %");
        assertThat(Sizes.limit(92.5)).isEqualTo("92.5 %");
    }
}
