package org.duplex.mirror.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key=value pairs of login and text PDUs (RFC 7143 §6.1): NUL-terminated UTF-8 pairs, keys of at most 63
 * characters, values of at most 8192 bytes (CHAP values in hex can be long), no key twice.
 */
public final class TextParameters {
    public static final int MAX_KEY = 63;
    public static final int MAX_VALUE = 8192;

    private TextParameters() {
    }

    /** Parses a data segment; throws IllegalArgumentException (a protocol error) on malformed text. */
    public static LinkedHashMap<String, String> parse(byte[] data) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                add(m, new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < data.length) {
            // RFC 7143 requires the terminating NUL; tolerate a missing last one (some initiators pad instead)
            add(m, new String(data, start, data.length - start, StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void add(Map<String, String> m, String pair) {
        if (pair.isEmpty()) {
            return; // padding NULs
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("text parameter without key=value: '" + abbreviate(pair) + "'");
        }
        String k = pair.substring(0, eq);
        String v = pair.substring(eq + 1);
        if (k.length() > MAX_KEY || !k.matches("[A-Za-z0-9.+@_\\-]+")) {
            throw new IllegalArgumentException("malformed text key '" + abbreviate(k) + "'");
        }
        if (v.length() > MAX_VALUE) {
            throw new IllegalArgumentException("value of " + k + " longer than " + MAX_VALUE);
        }
        if (m.putIfAbsent(k, v) != null) {
            throw new IllegalArgumentException("key " + k + " sent twice");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    public static byte[] encode(Map<String, String> m) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        m.forEach((k, v) -> {
            b.writeBytes((k + "=" + v).getBytes(StandardCharsets.UTF_8));
            b.write(0);
        });
        return b.toByteArray();
    }
}
