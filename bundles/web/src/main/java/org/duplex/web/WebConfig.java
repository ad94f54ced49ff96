package org.duplex.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of PID {@code org.duplex.web} (etc/org.duplex.web.cfg), checked; a bad value names its key.
 *
 * @param httpsPort      the HTTPS port (default 8443)
 * @param listenAddress  the address HTTPS listens on (default 0.0.0.0: every interface)
 * @param keystore       the PKCS12 keystore with the server's key and certificate (generated when missing)
 * @param keystorePassword its password; empty: the generated one in {@code KEYSTORE.password}
 * @param tokenTtl       how long a login token is valid
 * @param loginMaxFailures failed logins per source address within {@code loginWindow} before 429
 * @param loginWindow    the window of the login rate limit
 * @param clustersFile   where the registered clusters are kept (with their passwords: mode 0600)
 */
public record WebConfig(int httpsPort, String listenAddress, Path keystore, String keystorePassword, Duration tokenTtl,
                        int loginMaxFailures, Duration loginWindow, Path clustersFile) {

    public static final String PID = "org.duplex.web";

    public static WebConfig of(Map<String, ?> p, Path etc) {
        int port = integer(p, "port.https", 8443, 1, 65535);
        String listen = string(p, "listen.address", "0.0.0.0");
        String ks = string(p, "keystore", etc.resolve("duplex-web.p12").toString());
        String pw = string(p, "keystore.password", "");
        int ttl = integer(p, "token.ttl.minutes", 60, 1, 24 * 60);
        int max = integer(p, "login.max.failures", 5, 1, 1000);
        int window = integer(p, "login.window.seconds", 60, 1, 86_400);
        String clusters = string(p, "clusters.file", etc.resolve("duplex-clusters.json").toString());
        return new WebConfig(port, listen, Path.of(ks), pw, Duration.ofMinutes(ttl), max, Duration.ofSeconds(window),
                Path.of(clusters));
    }

    private static String string(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        return v == null || v.toString().isBlank() ? dflt : v.toString().strip();
    }

    private static int integer(Map<String, ?> p, String key, int dflt, int min, int max) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.toString().strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PID + ": " + key + " must be a whole number from " + min + " to " + max
                    + ", not '" + v + "'");
        }
    }
}
