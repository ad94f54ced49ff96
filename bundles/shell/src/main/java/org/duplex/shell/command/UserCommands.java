package org.duplex.shell.command;

import org.apache.karaf.shell.api.console.Session;
import org.duplex.shell.users.Users;

/** What ha:user-add and ha:user-passwd share: the name is checked before a password is asked for. */
final class UserCommands {

    private UserCommands() {
    }

    /** "--opt value" pairs after the positional name; anything else is refused naming it. */
    static java.util.Map<String, String> trailing(java.util.List<String> words, java.util.Set<String> known) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (words == null) {
            return out;
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!known.contains(w)) {
                throw new IllegalArgumentException("unexpected argument '" + w + "' (options: "
                        + new java.util.TreeSet<>(known) + ")");
            }
            if (i + 1 >= words.size()) {
                throw new IllegalArgumentException(w + " needs a value");
            }
            out.put(w, words.get(++i));
        }
        return out;
    }

    static String add(Users users, Session session, String name, String role, String passwordFile)
            throws Exception {
        users.checkNew(name, role);
        return users.add(name, role, org.duplex.shell.users.Users.password(session, passwordFile, name));
    }

    static String passwd(Users users, Session session, String name, String passwordFile) throws Exception {
        users.checkExisting(name);
        return users.passwd(name, org.duplex.shell.users.Users.password(session, passwordFile, name));
    }
}
