package org.duplex.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS key: a self-signed certificate generated once by the JDK's {@code keytool} (EC P-256, ten
 * years, CN = the host name, SAN = host name, localhost, 127.0.0.1) into a PKCS12 keystore, with a random password
 * kept beside it in {@code KEYSTORE.password} (mode 0600). An operator replaces both files (or sets
 * keystore.password) to use a certificate of their own; an existing keystore is never touched.
 */
public final class Keystores {

    private Keystores() {
    }

    /** The password file that goes with a keystore. */
    public static Path passwordFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".password");
    }

    /**
     * Generates the keystore when it does not exist.
     *
     * @return true when it was generated now
     */
    public static boolean ensure(Path keystore, String host, Duration timeout) throws IOException, InterruptedException {
        if (Files.exists(keystore)) {
            return false;
        }
        Files.createDirectories(keystore.toAbsolutePath().getParent());
        Path pwFile = passwordFile(keystore);
        String password;
        if (Files.exists(pwFile)) {
            password = Files.readString(pwFile, StandardCharsets.UTF_8).strip();
        } else {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            Path tmp = pwFile.resolveSibling(pwFile.getFileName() + ".tmp");
            Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, pwFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Path tmpStore = keystore.resolveSibling(keystore.getFileName() + ".tmp");
        Files.deleteIfExists(tmpStore);
        List<String> cmd = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", "duplex", "-keyalg", "EC",
                "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3650",
                "-dname", "CN=" + host + ", O=Duplex", "-ext", "SAN=dns:" + host + ",dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", tmpStore.toString(), "-storepass:env", "DUPLEX_KS_PASSWORD",
                "-keypass:env", "DUPLEX_KS_PASSWORD", "-noprompt"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DUPLEX_KS_PASSWORD", password);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool did not finish within " + timeout.toSeconds() + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0 || !Files.exists(tmpStore)) {
            throw new IOException("keytool failed (exit " + p.exitValue() + "): " + out);
        }
        Files.setPosixFilePermissions(tmpStore, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmpStore, keystore, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** The configured password, or the generated one beside the keystore. */
    public static String password(WebConfig c) throws IOException {
        if (!c.keystorePassword().isEmpty()) {
            return c.keystorePassword();
        }
        Path f = passwordFile(c.keystore());
        if (!Files.exists(f)) {
            throw new IOException("no keystore.password in " + WebConfig.PID + " and no " + f);
        }
        return Files.readString(f, StandardCharsets.UTF_8).strip();
    }

    static String keytool() {
        Path k = Path.of(System.getProperty("java.home"), "bin", "keytool");
        return Files.isExecutable(k) ? k.toString() : "keytool";
    }
}
