package org.duplex.web;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What pax-web (PID {@code org.ops4j.pax.web}) must hold for Duplex: HTTPS only on the configured address and
 * port with the Duplex keystore, plain HTTP off. Other keys of that PID (an operator's, Karaf's) are kept.
 */
public final class HttpsSettings {

    public static final String PAX_WEB_PID = "org.ops4j.pax.web";

    private HttpsSettings() {
    }

    public static Map<String, String> wanted(WebConfig c, String password) {
        Map<String, String> m = new TreeMap<>();
        m.put("org.osgi.service.http.enabled", "false");
        m.put("org.osgi.service.http.secure.enabled", "true");
        m.put("org.osgi.service.http.port.secure", String.valueOf(c.httpsPort()));
        m.put("org.ops4j.pax.web.listening.addresses", c.listenAddress());
        m.put("org.ops4j.pax.web.ssl.keystore", c.keystore().toAbsolutePath().toString());
        m.put("org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
        m.put("org.ops4j.pax.web.ssl.keystore.password", password);
        m.put("org.ops4j.pax.web.ssl.key.password", password);
        return m;
    }

    /** The merged properties when {@code current} lacks or differs in any wanted key, else null (nothing to do). */
    public static Dictionary<String, Object> merge(Dictionary<String, Object> current, Map<String, String> wanted) {
        boolean same = current != null;
        Hashtable<String, Object> out = new Hashtable<>();
        if (current != null) {
            for (var e = current.keys(); e.hasMoreElements();) {
                String k = e.nextElement();
                out.put(k, current.get(k));
            }
        }
        for (var w : wanted.entrySet()) {
            Object had = out.get(w.getKey());
            if (had == null || !had.toString().equals(w.getValue())) {
                same = false;
                out.put(w.getKey(), w.getValue());
            }
        }
        return same ? null : out;
    }
}
