package org.duplex.mirror.leg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the split of issue 13 §6: the engine, the leg state machine and the block interface know nothing of the
 * NBD front end, and the leg state machine nothing of the I/O drivers (engine, fencing client and server,
 * replication protocol), so the simulator and MirrorVolume drive the same code.
 */
class PackageSplitTest {
    private static final Path MAIN = Path.of("src/main/java/org/duplex/mirror");

    private static List<String> offenders(String pkg, String... forbidden) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    String text = Files.readString(p);
                    return Stream.of(forbidden).filter(f -> text.contains("org.duplex.mirror." + f + "."))
                            .map(f -> p.getFileName() + " uses " + f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
        }
    }

    @Test
    void noFrontEndInTheEngine() throws IOException {
        assertThat(offenders("engine", "nbd")).isEmpty();
        assertThat(offenders("block", "nbd", "engine", "leg")).isEmpty();
    }

    @Test
    void theLegStateMachineHasNoIo() throws IOException {
        assertThat(offenders("leg", "nbd", "engine", "fence", "replication", "io", "bitmap", "component",
                "command")).isEmpty();
    }
}
