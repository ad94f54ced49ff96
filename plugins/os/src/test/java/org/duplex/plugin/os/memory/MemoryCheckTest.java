package org.duplex.plugin.os.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryCheckTest {

    private static final Duration T = Duration.ofSeconds(5);

    private static final String MEMINFO = """
            MemTotal:        8000000 kB
            MemFree:          300000 kB
            MemAvailable:     600000 kB
            Buffers:           10000 kB
            SwapTotal:       2000000 kB
            SwapFree:         500000 kB
            HugePages_Total:       0
            """;

    @TempDir
    Path dir;

    @Test
    void parsesMeminfo() {
        MemInfo m = MemInfo.parse(MEMINFO).orElseThrow();
        assertThat(m).isEqualTo(new MemInfo(8000000L * 1024, 600000L * 1024, 2000000L * 1024, 500000L * 1024));
        assertThat(m.usedPercent()).isEqualTo(92.5);
        assertThat(m.swapUsedPercent()).isEqualTo(75.0);
        assertThat(MemInfo.parse("MemTotal: 1 kB\nMemFree: 1 kB\n")).isEmpty();
    }

    @Test
    void limitsAgainstAFixture() throws Exception {
        Path f = Files.writeString(dir.resolve("meminfo"), MEMINFO);
        MemoryCheck check = new MemoryCheck(f);
        HealthStatus s = check.check(Map.of("max-used", "90", "max-swap-used", "50", "min-available", "1GiB"), T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("memory 93 % used, limit 90 % (586 MiB available of 7.6 GiB); "
                + "memory 586 MiB available, need 1 GiB; swap 75 % used, limit 50 % (1.4 GiB of 1.9 GiB)");
        HealthStatus ok = check.check(Map.of("max-used", "95"), T);
        assertThat(ok.health()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).isEqualTo("memory 93 % used (586 MiB available of 7.6 GiB), "
                + "swap 75 % used (1.4 GiB of 1.9 GiB)");
        Files.writeString(f, MEMINFO.replace("SwapTotal:       2000000", "SwapTotal:       0")
                .replace("SwapFree:         500000", "SwapFree:         0"));
        assertThat(check.check(Map.of("max-swap-used", "0"), T).reason()).endsWith(", no swap");
    }

    @Test
    void theRealMeminfo() {
        MemoryCheck check = new MemoryCheck();
        HealthStatus ok = check.check(Map.of("max-used", "100", "max-swap-used", "100"), T);
        assertThat(ok.health()).as(ok.reason()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).matches("memory \\d+ % used \\(.* available of .*\\), (no swap|swap .*)");
        HealthStatus low = check.check(Map.of("min-available", "1000000TiB"), T);
        assertThat(low.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(low.reason()).matches("memory .* available, need 977 PiB");
    }

    @Test
    void badParametersAreNamed() {
        MemoryCheck check = new MemoryCheck();
        assertThat(check.validate(Map.of())).containsExactly("max-used: no limit given (give at least one of "
                + "max-used=90, max-swap-used=50, min-available=512MiB)");
        assertThat(check.validate(Map.of("max-used", "200", "min-available", "half"))).containsExactly(
                "max-used: '200' is not a percentage (0-100, for example max-used=90)",
                "min-available: 'half' is not a size (bytes, or with K/KiB, M/MiB, G/GiB, T/TiB: for example "
                        + "min-available=2GiB)");
        assertThat(new MemoryCheck(dir.resolve("none")).check(Map.of("max-used", "90"), T).health())
                .isEqualTo(Health.UNKNOWN);
    }
}
