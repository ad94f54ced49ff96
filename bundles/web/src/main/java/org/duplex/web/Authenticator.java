package org.duplex.web;

import java.util.Optional;
import java.util.Set;

/** Checks a user name and password; the production one is {@link JaasAuthenticator} (Karaf's realm). */
@FunctionalInterface
public interface Authenticator {

    /** The user's JAAS roles when the password is right, empty when it is not. */
    Optional<Set<String>> authenticate(String user, char[] password);
}
