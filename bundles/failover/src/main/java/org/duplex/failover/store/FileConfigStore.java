package org.duplex.failover.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.duplex.failover.config.ConfigText;
import org.duplex.failover.model.FailoverConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover configuration of this node: in memory, saved atomically to one text file (the format of
 * {@link ConfigText}) so it survives restarts. Local only: the cluster's replicated configuration is meant to
 * replace it by registering its own {@link FailoverConfigStore} with a higher service ranking.
 */
public final class FileConfigStore implements FailoverConfigStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileConfigStore.class);

    private final Optional<Path> file;
    private final List<Consumer<FailoverConfig>> listeners = new CopyOnWriteArrayList<>();
    private FailoverConfig current;

    /** @param file where to keep it; empty: memory only */
    public FileConfigStore(Optional<Path> file) throws IOException {
        this.file = file;
        FailoverConfig loaded = FailoverConfig.EMPTY;
        if (file.isPresent() && Files.exists(file.get())) {
            loaded = ConfigText.parse(Files.readString(file.get(), StandardCharsets.UTF_8));
            LOG.info("failover configuration loaded from {}: {} resources, {} groups, {} monitors", file.get(),
                    loaded.resources().size(), loaded.groups().size(), loaded.monitors().size());
        }
        current = loaded;
    }

    @Override
    public synchronized FailoverConfig load() {
        return current;
    }

    @Override
    public void save(FailoverConfig expected, FailoverConfig updated) throws IOException {
        synchronized (this) {
            if (current != expected && !current.equals(expected)) {
                throw new IOException("the configuration changed meanwhile; read it again and retry");
            }
            if (file.isPresent()) {
                Path f = file.get();
                Files.createDirectories(f.toAbsolutePath().getParent());
                Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
                Files.writeString(tmp, "# Duplex failover configuration, written by ha:resource-add/group-add/monitor-add\n"
                        + ConfigText.write(updated), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            current = updated;
        }
        for (Consumer<FailoverConfig> l : listeners) {
            try {
                l.accept(updated);
            } catch (RuntimeException e) {
                LOG.warn("configuration listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public AutoCloseable addListener(Consumer<FailoverConfig> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
