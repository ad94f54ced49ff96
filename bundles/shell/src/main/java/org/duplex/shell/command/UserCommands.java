package org.duplex.shell.command;

import org.apache.karaf.shell.api.console.Session;
import org.duplex.shell.users.Users;

/** What ha:user-add and ha:user-passwd share: the name is checked before a password is asked for. */
final class UserCommands {

    private UserCommands() {
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
