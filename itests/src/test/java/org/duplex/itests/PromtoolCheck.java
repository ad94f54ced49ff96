package org.duplex.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks a metrics page with Prometheus' own parser and linter, {@code promtool check metrics} (Debian's
 * {@code prometheus} package, installed by scripts/install-deps.sh). Without promtool it says so loudly; under CI
 * as root (install-deps ran) its absence is a failure.
 */
final class PromtoolCheck {

    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private PromtoolCheck() {
    }

    static void check(String test, String page) throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            String why = test + ": the metrics page was not checked by promtool (" + PROMTOOL + " missing: "
                    + "scripts/install-deps.sh installs Debian's prometheus package)";
            if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) {
                throw new AssertionError("CI runs install-deps as root, yet: " + why);
            }
            System.err.println("SKIPPED: " + why);
            return;
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished within 30 s").isTrue();
        String said = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("promtool check metrics said:\n" + said + "\nof the page:\n" + page)
                .isZero();
        assertThat(said).as("promtool's lint findings").isBlank();
    }
}
