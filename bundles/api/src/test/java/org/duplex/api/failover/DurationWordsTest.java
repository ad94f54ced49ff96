package org.duplex.api.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationWordsTest {

    @Test
    void readsEveryUnitAndABareNumberAsSeconds() {
        assertThat(DurationWords.parse("500ms", "t")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationWords.parse(" 1.5S ", "t")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationWords.parse("10m", "t")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationWords.parse("1h", "t")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationWords.parse("20", "t")).isEqualTo(Duration.ofSeconds(20));
        assertThat(DurationWords.parse("0", "t")).isZero();
    }

    @Test
    void writesTheShortestWordThatReadsBackTheSame() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(1500),
                Duration.ofSeconds(90), Duration.ofMinutes(2), Duration.ofHours(3)}) {
            assertThat(DurationWords.parse(DurationWords.format(d), "t")).isEqualTo(d);
        }
        assertThat(DurationWords.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(DurationWords.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void badInputNamesTheFieldAndTheText() {
        assertThatThrownBy(() -> DurationWords.parse("soon", "failure-timeout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failure-timeout: 'soon' is not a duration (use 500ms, 2s, 10m, 1h)");
    }
}
