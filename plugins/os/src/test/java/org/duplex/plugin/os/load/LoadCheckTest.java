package org.duplex.plugin.os.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.duplex.api.monitor.Health;
import org.duplex.api.monitor.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadCheckTest {

    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void parsesLoadavgAndCpuLists() {
        assertThat(LoadAverage.parse("0.52 0.48 0.40 1/345 12345\n")).contains(new LoadAverage(0.52, 0.48, 0.40));
        assertThat(LoadAverage.parse("garbage")).isEmpty();
        assertThat(LoadAverage.countCpus("0-3,6,8-9\n")).contains(7);
        assertThat(LoadAverage.countCpus("0")).contains(1);
        assertThat(LoadAverage.countCpus("3-1")).isEmpty();
        assertThat(LoadAverage.countCpus("")).isEmpty();
    }

    @Test
    void perCpuLimitsAgainstFixtures() throws Exception {
        Path loadavg = Files.writeString(dir.resolve("loadavg"), "6.40 3.00 1.00 3/400 999\n");
        Path online = Files.writeString(dir.resolve("online"), "0-1\n");
        LoadCheck check = new LoadCheck(loadavg, online);
        HealthStatus s = check.check(Map.of("max-load1", "2", "max-load5", "1.5", "max-load15", "1"), T);
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("load1 3.20 per CPU (6.40 on 2 CPUs), limit 2.00");
        HealthStatus ok = check.check(Map.of("max-load1", "4"), T);
        assertThat(ok.health()).isEqualTo(Health.HEALTHY);
        assertThat(ok.reason()).isEqualTo("load 6.40 3.00 1.00 on 2 CPUs (per CPU 3.20 1.50 0.50)");
        HealthStatus raw = check.check(Map.of("max-load5", "2", "per-cpu", "false"), T);
        assertThat(raw.reason()).isEqualTo("load5 3.00, limit 2.00");
    }

    @Test
    void theRealLoadavg() {
        HealthStatus s = new LoadCheck().check(Map.of("max-load1", "100000"), T);
        assertThat(s.health()).as(s.reason()).isEqualTo(Health.HEALTHY);
        assertThat(s.reason()).matches("load [0-9.]+ [0-9.]+ [0-9.]+ on \\d+ CPUs \\(per CPU .*\\)");
    }

    @Test
    void badParametersAreNamed() {
        LoadCheck check = new LoadCheck();
        assertThat(check.validate(Map.of("per-cpu", "true"))).containsExactly("max-load5: no limit given (give at "
                + "least one of max-load1, max-load5, max-load15, per CPU unless per-cpu=false: for example "
                + "max-load5=2)");
        assertThat(check.validate(Map.of("max-load1", "high", "per-cpu", "sometimes"))).containsExactly(
                "max-load1: 'high' is not a number >= 0 (for example max-load1=4)",
                "per-cpu: 'sometimes' is not true or false");
        assertThat(check.check(Map.of("max-load1", "x"), T).health()).isEqualTo(Health.UNKNOWN);
    }
}
