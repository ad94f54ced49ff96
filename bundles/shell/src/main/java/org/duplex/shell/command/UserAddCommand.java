package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.duplex.shell.users.UserAdminComponent;

@Command(scope = "ha", name = "user-add", description = "Adds a console user with a role (admin, operator or "
        + "viewer); the password is typed twice without echo, or read from the first line of --password-file")
@Service
public class UserAddCommand implements Action {

    @Reference
    UserAdminComponent users;

    @Reference(optional = true)
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "user name (letters, digits, '.', '_', '-')")
    String name;

    @Option(name = "--role", aliases = "-r", required = true, description = "admin, operator or viewer")
    String role;

    @Option(name = "--password-file", description = "read the password from the first line of this file")
    String passwordFile;

    @Override
    public Object execute() throws Exception {
        System.out.println(UserCommands.add(users.users(), session, name, role, passwordFile));
        return null;
    }
}
