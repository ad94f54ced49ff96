package org.duplex.web;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The registered clusters of this node, persisted in one JSON file that holds their passwords: written with mode
 * 0600 (a temporary file made 0600 before a byte is written, then moved over the old one atomically), read once and
 * kept in memory. Each node keeps its own: a console watches from the node it is loaded from.
 */
public final class ClusterRegistry {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private List<RemoteCluster> clusters;

    public ClusterRegistry(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public synchronized List<RemoteCluster> all() {
        return List.copyOf(loaded());
    }

    public synchronized Optional<RemoteCluster> find(String name) {
        return loaded().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Adds it (the caller checked the name is free) and writes the file before it answers. */
    public synchronized void add(RemoteCluster cluster) throws IOException {
        List<RemoteCluster> next = new ArrayList<>(loaded());
        if (next.stream().anyMatch(c -> c.name().equals(cluster.name()))) {
            throw new IllegalArgumentException("cluster " + cluster.name() + " is registered already");
        }
        next.add(cluster);
        save(next);
        clusters = next;
    }

    /** Removes it and writes the file; false when there was none of that name. */
    public synchronized boolean remove(String name) throws IOException {
        List<RemoteCluster> next = new ArrayList<>(loaded());
        if (!next.removeIf(c -> c.name().equals(name))) {
            return false;
        }
        save(next);
        clusters = next;
        return true;
    }

    private List<RemoteCluster> loaded() {
        if (clusters == null) {
            clusters = read();
        }
        return clusters;
    }

    private List<RemoteCluster> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            List<RemoteCluster> out = new ArrayList<>();
            for (JsonNode n : root.path("clusters")) {
                out.add(json.treeToValue(n, RemoteCluster.class));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("the registered clusters in " + file + " cannot be read: " + e.getMessage(),
                    e);
        }
    }

    private void save(List<RemoteCluster> list) throws IOException {
        ObjectNode root = json.createObjectNode();
        ArrayNode a = root.putArray("clusters");
        list.forEach(c -> a.add(json.valueToTree(c)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp, e);
        }
        Files.setPosixFilePermissions(tmp, OWNER_ONLY); // whatever the umask
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
}
