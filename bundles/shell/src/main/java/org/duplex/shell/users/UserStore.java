package org.duplex.shell.users;

import java.util.List;
import java.util.Set;

/**
 * The console users of the realm the shell, {@code bin/client}, SSH and the REST API log in through (Karaf's JAAS
 * realm {@code karaf}): what {@link Users} needs of it. {@link JaasUserStore} fills it with Karaf's BackingEngine for
 * the realm's properties login module, which hashes or encrypts passwords the way the realm is configured.
 */
public interface UserStore {

    /** A user and the groups it belongs to (not the roles the groups carry). */
    record User(String name, Set<String> groups) {
        public User {
            groups = Set.copyOf(groups);
        }
    }

    List<User> users();

    /** Adds a user, or sets the password of an existing one (its groups are kept). */
    void putUser(String name, String password);

    void removeUser(String name);

    void addToGroup(String name, String group);

    void removeFromGroup(String name, String group);

    /** Creates the group with these roles when it does not exist (existing groups are left as they are). */
    void ensureGroup(String group, List<String> roles);
}
