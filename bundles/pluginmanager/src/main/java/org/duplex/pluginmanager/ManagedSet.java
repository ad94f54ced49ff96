package org.duplex.pluginmanager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plug-ins this node installed (or adopted) because the cluster's set named them: the only ones it removes when
 * the set no longer does. Kept in a file so a node that was down while a plug-in left the set still removes it
 * after its restart, and a plug-in an operator installed by hand (never in the set) is never touched.
 */
public interface ManagedSet {

    Set<String> load();

    void save(Set<String> names) throws IOException;

    /** One name per line in {@code file} (written atomically). */
    static ManagedSet file(Path file) {
        return new ManagedSet() {
            @Override
            public Set<String> load() {
                try {
                    return Files.isRegularFile(file)
                            ? new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                            .map(String::trim).filter(s -> !s.isEmpty()).toList())
                            : new TreeSet<>();
                } catch (IOException e) {
                    return new TreeSet<>();
                }
            }

            @Override
            public void save(Set<String> names) throws IOException {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, String.join("\n", new TreeSet<>(names)) + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        };
    }
}
