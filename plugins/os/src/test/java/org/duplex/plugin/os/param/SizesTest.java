package org.duplex.plugin.os.param;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

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

    @Test
    void paramsNameTheParameterAndWhatIsWrong() {
        Params p = new Params("disk", Map.of("max-used", "95x", "min-free", "2 GB", "colour", "red", "x", "true"),
                Set.of("max-used", "min-free", "x"));
        p.percent("max-used");
        p.size("min-free");
        p.flag("x", false);
        assertThat(p.problems()).containsExactly(
                "colour: unknown parameter (disk takes max-used, min-free, x)",
                "max-used: '95x' is not a percentage (0-100, for example max-used=90)",
                "min-free: '2 GB' is not a size (bytes, or with K/KiB, M/MiB, G/GiB, T/TiB: for example min-free=2GiB)");
        Params q = new Params("load", Map.of("a", "101", "b", "-1", "c", "maybe", "d", "90%"), Set.of("a", "b", "c",
                "d"));
        assertThat(q.percent("a")).isEmpty();
        assertThat(q.number("b", "2")).isEmpty();
        assertThat(q.flag("c", true)).isTrue();
        assertThat(q.percent("d")).contains(90.0);
        assertThat(q.problems()).containsExactly("a: '101' is not a percentage (0-100, for example a=90)",
                "b: '-1' is not a number >= 0 (for example b=2)", "c: 'maybe' is not true or false");
    }
}
