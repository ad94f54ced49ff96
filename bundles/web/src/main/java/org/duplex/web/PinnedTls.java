package org.duplex.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS to another cluster trusted by one certificate only: its SHA-256 fingerprint, captured when the cluster is
 * registered. No CA is consulted and the host name is not compared: the pin is the trust (a node's generated
 * certificate is self-signed, and the URL may be an address the certificate does not name). The check runs at every
 * handshake, so every connection a call travels over presented the pinned certificate.
 */
public final class PinnedTls {

    private static final Pattern FINGERPRINT = Pattern.compile("(?i)[0-9a-f]{2}(:?[0-9a-f]{2}){31}");

    private PinnedTls() {
    }

    /** The certificate presented was not the pinned one. */
    public static final class PinMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;
        public final String pinned;
        public final String presented;

        PinMismatch(String pinned, String presented) {
            super("the certificate changed: pinned SHA-256 " + pinned + ", presented " + presented);
            this.pinned = pinned;
            this.presented = presented;
        }
    }

    /** {@code AB:CD:...} (32 upper-case hex pairs) of a DER certificate. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash a certificate", e);
        }
    }

    /**
     * A fingerprint as written by a person (upper or lower case, with or without colons) in the canonical form, or
     * null when it is not 32 hex pairs.
     */
    public static String normalise(String fingerprint) {
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint.strip()).matches()) {
            return null;
        }
        String hex = fingerprint.strip().replace(":", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 64) {
            return null;
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    /** An SSL context whose only trust is the certificate with this fingerprint. */
    public static SSLContext pinned(String fingerprint) {
        return context(new Pin(fingerprint, null));
    }

    /**
     * Connects to the URL's host and port, completes a TLS handshake trusting anything, and answers the fingerprint
     * of the certificate the server presented (what the admin registering it is shown, and what is pinned).
     */
    public static String capture(URI url, Duration timeout) throws IOException {
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        SSLContext ssl = context(new Pin(null, seen));
        int port = url.getPort() < 0 ? 443 : url.getPort();
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(url.getHost(), port), (int) timeout.toMillis());
            raw.setSoTimeout((int) timeout.toMillis());
            try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(raw, url.getHost(), port, false)) {
                s.startHandshake();
            }
        }
        if (seen.get() == null) {
            throw new IOException("the server at " + url + " presented no certificate");
        }
        return fingerprint(seen.get());
    }

    private static SSLContext context(Pin pin) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {pin}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** Trusts the pinned certificate only; without a pin (capture) trusts any and records it. */
    private static final class Pin extends X509ExtendedTrustManager {
        private final String pinned;
        private final AtomicReference<X509Certificate> seen;

        Pin(String pinned, AtomicReference<X509Certificate> seen) {
            this.pinned = pinned;
            this.seen = seen;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            if (pinned == null) {
                seen.set(chain[0]);
                return;
            }
            String presented = fingerprint(chain[0]);
            if (!MessageDigest.isEqual(presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    pinned.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new PinMismatch(pinned, presented);
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
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
