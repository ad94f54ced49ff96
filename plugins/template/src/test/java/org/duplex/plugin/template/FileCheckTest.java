package org.duplex.plugin.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The template's check without a container: what a plug-in's unit test looks like. */
class FileCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    private final FileCheck check = new FileCheck(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60), true);

    @Test
    void aFreshFileIsHealthyAStaleOrMissingOneIsNot() throws Exception {
        Path alive = Files.writeString(dir.resolve("alive"), "");
        Files.setLastModifiedTime(alive, FileTime.from(NOW.minusSeconds(10)));
        assertThat(check.check(Map.of("path", alive.toString())).reason()).isEqualTo(alive
                + " exists, last modified 10 s ago");
        assertThat(check.check(Map.of("path", alive.toString(), "max-age", "5s")).health()).isEqualTo(Health.UNHEALTHY);
        Files.setLastModifiedTime(alive, FileTime.from(NOW.minusSeconds(120)));
        assertThat(check.check(Map.of("path", alive.toString())).reason()).isEqualTo(alive
                + " is stale: last modified 120 s ago (max 60 s)");
        assertThat(check.check(Map.of("path", alive.toString(), "max-age", "0")).health()).isEqualTo(Health.HEALTHY);
        assertThat(check.check(Map.of("path", dir.resolve("gone").toString())).health()).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void badParametersAreNamedAndTheCheckSaysItCouldNotDecide() {
        assertThat(check.validate(Map.of())).containsExactly(
                "path: required (the file to watch, e.g. path=/run/app/alive)");
        assertThat(check.validate(Map.of("path", "rel", "max-age", "soon", "colour", "red"))).containsExactlyInAnyOrder(
                "path: must be absolute, was 'rel'",
                "max-age: 'soon' is not a duration (use e.g. 30s, 2m, 500ms)",
                "colour: unknown parameter (this monitor takes path and max-age)");
        assertThat(check.check(Map.of("path", "rel")).health()).isEqualTo(Health.UNKNOWN);
    }

    @Test
    void durations() {
        assertThat(FileCheck.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(FileCheck.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(FileCheck.parseDuration("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(FileCheck.parseDuration("")).isNull();
        assertThat(FileCheck.parseDuration("-1s")).isNull();
    }
}
