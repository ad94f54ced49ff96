package org.duplex.cluster.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.duplex.cluster.coordinator.AtomicFiles;

/** The accepted configuration as JSON in the state directory, replaced atomically (temp + fsync + rename). */
public final class FileConfigStore implements ConfigStore {

    private final Path file;

    public FileConfigStore(Path file) {
        this.file = file;
    }

    @Override
    public Optional<ClusterConfig> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigCodec.fromJsonBytes(Files.readAllBytes(file)));
        } catch (ConfigException e) {
            throw new IOException("stored configuration " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(ClusterConfig config) throws IOException {
        AtomicFiles.write(file, ConfigCodec.toJsonBytes(config));
    }
}
