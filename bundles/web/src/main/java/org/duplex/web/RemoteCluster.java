package org.duplex.web;

/**
 * Another cluster this node's console watches, as stored in the clusters file (mode 0600: the password is in it).
 *
 * @param name         the name it is shown under here
 * @param url          {@code https://HOST:PORT} of one of its nodes
 * @param username     a user of that cluster (a viewer is enough: only reads are sent)
 * @param password     its password (never returned by the API, never logged or audited)
 * @param fingerprint  the SHA-256 of the certificate it presented at registration ({@code AB:CD:...}): the only
 *                     certificate trusted for it
 * @param registeredBy the admin who registered it
 * @param registeredAt when (ISO-8601)
 */
public record RemoteCluster(String name, String url, String username, String password, String fingerprint,
                            String registeredBy, String registeredAt) {

    /** What the API shows of it: everything but the password. */
    public record View(String name, String url, String username, String fingerprint, String registeredBy,
                       String registeredAt) {
    }

    public View view() {
        return new View(name, url, username, fingerprint, registeredBy, registeredAt);
    }

    @Override
    public String toString() {
        return "RemoteCluster[" + name + " " + url + " as " + username + ", " + fingerprint + "]";
    }
}
