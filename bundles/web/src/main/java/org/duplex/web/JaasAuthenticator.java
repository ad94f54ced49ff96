package org.duplex.web;

import java.security.Principal;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * Login through a JAAS realm (Karaf's {@code karaf} realm: etc/users.properties, the console's users). The roles
 * are the names of the subject's RolePrincipals (Karaf adds a group's roles to its members), matched by class
 * name so this bundle needs no Karaf import.
 */
public final class JaasAuthenticator implements Authenticator {

    private final String realm;

    public JaasAuthenticator(String realm) {
        this.realm = realm;
    }

    @Override
    public Optional<Set<String>> authenticate(String user, char[] password) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try {
            // Karaf's JAAS configuration is found through the framework, not this bundle's class loader.
            t.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
            LoginContext lc = new LoginContext(realm, callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
            lc.login();
            Set<String> roles = new HashSet<>();
            for (Principal p : lc.getSubject().getPrincipals()) {
                if (p.getClass().getSimpleName().equals("RolePrincipal")) {
                    roles.add(p.getName());
                }
            }
            lc.logout();
            return Optional.of(roles);
        } catch (LoginException e) {
            return Optional.empty();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
