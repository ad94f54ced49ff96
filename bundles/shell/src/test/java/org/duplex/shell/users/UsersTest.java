package org.duplex.shell.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.utils.properties.Properties;
import org.apache.karaf.jaas.modules.properties.PropertiesBackingEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ha:user-* logic over Karaf's real properties BackingEngine and a users.properties file in the shape
 * bin/duplex-passwd writes.
 */
class UsersTest {

    private static final String PW = "correct-horse-battery";

    @TempDir
    Path dir;

    private Path file;
    private Users users;

    @BeforeEach
    void realm() throws Exception {
        file = dir.resolve("users.properties");
        Files.writeString(file, String.join("\n",
                "# Duplex console users (Karaf JAAS realm \"karaf\"). Written by bin/duplex-passwd; keep this file mode 0600.",
                "admin = adminpassword123,_g_:admingroup",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
                "_g_\\:duplex-operator = group,operator,viewer,ssh",
                "_g_\\:duplex-viewer = group,viewer,ssh", ""), StandardCharsets.UTF_8);
        users = new Users(new JaasUserStore(() -> {
            try {
                return new PropertiesBackingEngine(new Properties(file.toFile()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private String line(String user) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith(user + " ")).findFirst().orElse("");
    }

    @Test
    void addsChangesAndRemovesUsersInTheRealmFile() throws Exception {
        assertThat(users.add("vera", "viewer", PW)).contains("vera added with role viewer");
        assertThat(line("vera")).isEqualTo("vera = " + PW + ",_g_:duplex-viewer");
        assertThat(users.list()).contains("admin", "vera").containsPattern("vera\\s+viewer");

        assertThat(users.role("vera", "operator")).contains("viewer -> operator");
        assertThat(line("vera")).isEqualTo("vera = " + PW + ",_g_:duplex-operator");
        assertThat(users.role("vera", "operator")).contains("nothing changed");

        assertThat(users.passwd("vera", "another-password-1")).contains("password of vera changed");
        assertThat(line("vera")).as("the role is kept").isEqualTo("vera = another-password-1,_g_:duplex-operator");

        assertThat(users.remove("vera")).contains("vera removed");
        assertThat(line("vera")).isEmpty();
        assertThat(line("admin")).isEqualTo("admin = adminpassword123,_g_:admingroup");
        // Karaf's engine drops a group nobody is in any more; the next user of that role gets it back, with its roles
        assertThat(Files.readString(file)).contains("_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh");
        users.add("vera", "viewer", PW);
        assertThat(Files.readString(file)).contains("_g_\\:duplex-viewer = group,viewer,ssh");
    }

    @Test
    void theFileStaysReadableByItsOwnerOnly() throws Exception {
        var ownerOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        Files.setPosixFilePermissions(file, ownerOnly);
        users.add("vera", "viewer", PW);
        users.passwd("vera", "another-password-1");
        users.remove("vera");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(ownerOnly);
    }

    @Test
    void theLastAdminCanBeNeitherRemovedNorDemoted() {
        assertThatThrownBy(() -> users.remove("admin")).hasMessageContaining("'admin' is the last admin");
        assertThatThrownBy(() -> users.role("admin", "viewer")).hasMessageContaining("'admin' is the last admin");
        users.add("ada", "admin", PW);
        assertThat(users.role("admin", "viewer")).contains("admin -> viewer");
        assertThatThrownBy(() -> users.remove("ada")).hasMessageContaining("'ada' is the last admin");
        assertThat(users.role("admin", "admin")).contains("viewer -> admin");
        assertThat(users.remove("ada")).contains("ada removed");
    }

    @Test
    void badInputIsRefusedNamingTheArgumentAndChangesNothing() throws Exception {
        String before = Files.readString(file);
        assertThatThrownBy(() -> users.add("bob", "root", PW)).hasMessageContaining("role 'root' must be admin, "
                + "operator or viewer");
        assertThatThrownBy(() -> users.add("", "viewer", PW)).hasMessageContaining("user name is empty");
        assertThatThrownBy(() -> users.add("a:b", "viewer", PW)).hasMessageContaining("user name 'a:b'");
        assertThatThrownBy(() -> users.add("a b", "viewer", PW)).hasMessageContaining("user name 'a b'");
        assertThatThrownBy(() -> users.add("_g_", "viewer", PW)).hasMessageContaining("user name '_g_'");
        assertThatThrownBy(() -> users.add("admin", "viewer", PW)).hasMessageContaining("user 'admin' exists");
        assertThatThrownBy(() -> users.add("bob", "viewer", "short")).hasMessageContaining("password must have "
                + "at least 12");
        assertThatThrownBy(() -> users.add("bob", "viewer", "with,a,comma-long")).hasMessageContaining(
                "must not contain ','");
        assertThatThrownBy(() -> users.passwd("nobody", PW)).hasMessageContaining("user 'nobody' does not exist");
        assertThatThrownBy(() -> users.role("nobody", "viewer")).hasMessageContaining("user 'nobody' does not exist");
        assertThatThrownBy(() -> users.role("admin", "king")).hasMessageContaining("role 'king'");
        assertThatThrownBy(() -> users.remove("nobody")).hasMessageContaining("user 'nobody' does not exist");
        assertThatThrownBy(() -> users.checkNew("admin", "viewer")).hasMessageContaining("user 'admin' exists");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void aMissingGroupIsCreatedWithItsRoles() throws Exception {
        Files.writeString(file, "admin = adminpassword123,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardCharsets.UTF_8);
        users.add("olga", "operator", PW);
        assertThat(Files.readString(file)).contains("_g_\\:duplex-operator = group,operator,viewer,ssh");
        assertThat(line("olga")).isEqualTo("olga = " + PW + ",_g_:duplex-operator");
    }

    @Test
    void aPasswordFileGivesItsFirstLine() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), PW + "\nignored\n");
        assertThat(Users.password(null, pw.toString(), "bob")).isEqualTo(PW);
        assertThatThrownBy(() -> Users.password(null, dir.resolve("none").toString(), "bob"))
                .hasMessageContaining("--password-file").hasMessageContaining("no such file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> Users.password(null, empty.toString(), "bob")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> Users.password(null, null, "bob")).hasMessageContaining("--password-file");
    }
}
