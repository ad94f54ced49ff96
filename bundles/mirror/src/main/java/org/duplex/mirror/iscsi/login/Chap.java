package org.duplex.mirror.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** CHAP with MD5 (RFC 1994; RFC 7143 §12.1.3): response = MD5(identifier || secret || challenge). */
public final class Chap {
    public static final String MD5 = "5";

    private Chap() {
    }

    public static byte[] response(int identifier, String secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update((byte) identifier);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            md.update(challenge);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** Decodes a CHAP binary value: "0x" hex or "0b" base64 (RFC 7143 §6.1); IllegalArgumentException otherwise. */
    public static byte[] decode(String v) {
        if (v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"))) {
            String h = v.substring(2);
            if (h.length() % 2 == 1) {
                h = "0" + h;
            }
            return HexFormat.of().parseHex(h);
        }
        if (v.length() > 2 && (v.startsWith("0b") || v.startsWith("0B"))) {
            return Base64.getDecoder().decode(v.substring(2));
        }
        throw new IllegalArgumentException("CHAP value must be 0x-hex or 0b-base64");
    }

    public static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }
}
