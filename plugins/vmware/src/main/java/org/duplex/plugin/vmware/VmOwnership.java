package org.duplex.plugin.vmware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which VMs this node has started: one marker file per resource in a directory that a reboot empties ({@code /run}
 * by default). A VM does not live on a cluster node, so vSphere alone cannot say on which node a {@code vmware-vm}
 * resource is active: every node would see the same VM "running", and the engine would take one VM for a resource
 * active on two nodes. The marker makes the answer local, as a pid file does for a process: written after a
 * successful start, removed after a successful stop, gone after a reboot (a crashed node's resources count as
 * stopped once it is fenced). It survives a restart of the plug-in or of Karaf, so a running resource stays running.
 */
final class VmOwnership {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    private final Path dir;

    VmOwnership(Path dir) {
        this.dir = dir;
    }

    /** Records that this node started {@code resource} (VM {@code vm}); atomic, so a crash leaves no half file. */
    void claim(String resource, String vm) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".claim-", ".tmp");
            Files.writeString(tmp, vm + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, marker(resource), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, marker(resource), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record in " + dir + " that this node started " + resource + ": "
                    + e.getMessage(), e);
        }
    }

    void release(String resource) {
        try {
            Files.deleteIfExists(marker(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + marker(resource) + ": " + e.getMessage(), e);
        }
    }

    /** The VM this node started as {@code resource}, if it did and has not stopped it since (nor rebooted). */
    Optional<String> held(String resource) {
        Path m = marker(resource);
        try {
            return Files.isRegularFile(m) ? Optional.of(Files.readString(m, StandardCharsets.UTF_8).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + m + ": " + e.getMessage(), e);
        }
    }

    private Path marker(String resource) {
        if (!SAFE.matcher(resource).matches()) {
            throw new IllegalArgumentException("resource id '" + resource + "' cannot name a marker file");
        }
        return dir.resolve(resource + ".started");
    }
}
