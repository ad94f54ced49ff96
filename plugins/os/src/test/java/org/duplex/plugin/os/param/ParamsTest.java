package org.duplex.plugin.os.param;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ParamsTest {

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
