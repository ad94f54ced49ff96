package org.duplex.mirror.engine;

/** Where reads go when both legs are healthy. */
public enum ReadBalancing {
    PREFER_LOCAL, ROUND_ROBIN, LEAST_PENDING;

    public static ReadBalancing parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
