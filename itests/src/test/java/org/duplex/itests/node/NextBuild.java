package org.duplex.itests.node;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * "N+1" for the upgrade tests: {@code scripts/upgrade/make-next.sh} run once per test JVM (the version bumped, the
 * protocol level raised, next-protocol.patch applied), giving its offline KAR.
 */
public final class NextBuild {

    private static Path kar;

    private NextBuild() {
    }

    /** N+1's offline KAR, built on first use into {@code work/next-src}; fails with the script's output. */
    public static synchronized Path kar(Path root, Path work) throws Exception {
        if (kar != null && Files.exists(kar)) {
            return kar;
        }
        Files.createDirectories(work);
        Path log = work.resolve("make-next.log");
        Process p = new ProcessBuilder("bash", root.resolve("scripts/upgrade/make-next.sh").toString(),
                work.resolve("next-src").toString()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Duration limit = Duration.ofMinutes(15);
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("make-next.sh did not finish within " + limit + ": " + Files.readString(log));
        }
        String out = Files.readString(log).strip();
        if (p.exitValue() != 0) {
            throw new AssertionError("make-next.sh exited " + p.exitValue() + ":\n" + out);
        }
        Path made = Path.of(out.substring(out.lastIndexOf('\n') + 1).strip());
        if (!Files.exists(made)) {
            throw new AssertionError("make-next.sh named no KAR:\n" + out);
        }
        kar = made;
        return kar;
    }

    /** The Maven version of a KAR made by the features module ({@code duplex-VERSION-offline.kar}). */
    public static String version(Path kar) {
        return kar.getFileName().toString().replaceAll("^duplex-(.*)-offline\\.kar$", "$1");
    }
}
