package org.duplex.plugin.vmware;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A pinned SHA-256 certificate thumbprint ({@code AA:BB:...}, 32 bytes; colons, spaces and case do not matter), the
 * form vCenter shows and {@code openssl x509 -noout -fingerprint -sha256} prints. The endpoint's leaf certificate
 * must have exactly this digest; nothing else about the certificate is checked (a self-signed ESXi certificate
 * is what a pin is for), so the host name does not need to match either.
 */
public record Thumbprint(String hex) {

    public Thumbprint {
        hex = hex.toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 thumbprint");
        }
    }

    /** Parses "AA:BB:..." (64 hex digits with or without separators); empty when it is not one. */
    public static Optional<Thumbprint> parse(String text) {
        String h = text.replaceAll("[:\\s-]", "").toUpperCase(Locale.ROOT);
        return h.matches("[0-9A-F]{64}") ? Optional.of(new Thumbprint(h)) : Optional.empty();
    }

    public static Thumbprint of(X509Certificate cert) throws CertificateEncodingException {
        try {
            return new Thumbprint(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(cert.getEncoded())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** "AA:BB:..." */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(hex, i, i + 2);
        }
        return b.toString();
    }

    /** A trust manager that accepts exactly the certificate with this thumbprint (null pin: accepts any, insecure). */
    static X509ExtendedTrustManager trustManager(Thumbprint pin) {
        return new X509ExtendedTrustManager() {
            private void check(X509Certificate[] chain) throws CertificateException {
                if (pin == null) {
                    return;
                }
                if (chain == null || chain.length == 0) {
                    throw new CertificateException("the endpoint sent no certificate");
                }
                Thumbprint got = of(chain[0]);
                if (!got.equals(pin)) {
                    throw new CertificateException("certificate thumbprint mismatch: the endpoint presented SHA-256 "
                            + got + ", the configured thumbprint is " + pin
                            + " (a different server, or its certificate was renewed)");
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
