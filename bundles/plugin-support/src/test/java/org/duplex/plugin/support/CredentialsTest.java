package org.duplex.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @Test
    void passwordFileMustBeOwnerOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-secret\nsecond line ignored\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Credentials.readPassword(f)).isInstanceOf(Credentials.RefusedException.class)
                .hasMessage("password-file " + f + ": mode rw-r--r-- lets its group or others read or write it;"
                        + " refused (chmod 600 " + f + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertThat(new String(Credentials.readPassword(f))).isEqualTo("hunter2-secret");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        assertThat(new String(Credentials.readPassword(f))).isEqualTo("hunter2-secret");

        Path empty = dir.resolve("empty");
        Files.writeString(empty, "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> Credentials.readPassword(empty))
                .hasMessage("password-file " + empty + ": empty (the first line is the password)");
        assertThatThrownBy(() -> Credentials.readPassword(dir.resolve("missing")))
                .hasMessage("password-file " + dir.resolve("missing") + ": does not exist");
    }

    @Test
    void aSymbolicLinkOrADirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "hunter2-secret\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), f);
        assertThatThrownBy(() -> Credentials.readPassword(link))
                .hasMessage("password-file " + link + ": not a regular file");
        assertThatThrownBy(() -> Credentials.readPassword(dir))
                .hasMessage("password-file " + dir + ": not a regular file");
    }
}
