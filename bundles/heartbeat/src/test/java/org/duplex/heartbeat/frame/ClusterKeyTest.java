package org.duplex.heartbeat.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatesA32ByteKeyReadableByTheOwnerOnly() throws Exception {
        Path k = dir.resolve("etc/duplex-cluster.key");
        ClusterKey.generate(k, false, new SecureRandom());
        assertThat(Files.size(k)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(k))).isEqualTo("rw-------");
        assertThat(ClusterKey.tooOpen(k)).isFalse();
        byte[] first = ClusterKey.load(k);
        assertThatThrownBy(() -> ClusterKey.generate(k, false, new SecureRandom()))
                .isInstanceOf(FileAlreadyExistsException.class);
        ClusterKey.generate(k, true, new SecureRandom());
        assertThat(ClusterKey.load(k)).isNotEqualTo(first);
        assertThat(dir.resolve("etc").toFile().list()).containsExactly("duplex-cluster.key");
    }

    @Test
    void refusesAMissingOrWrongSizedKey() throws Exception {
        assertThatThrownBy(() -> ClusterKey.load(dir.resolve("none"))).hasMessageContaining("ha:keygen");
        Path k = dir.resolve("short.key");
        Files.write(k, new byte[16]);
        assertThatThrownBy(() -> ClusterKey.load(k)).hasMessageContaining("holds 16 bytes, expected 32");
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ClusterKey.tooOpen(k)).isTrue();
    }
}
