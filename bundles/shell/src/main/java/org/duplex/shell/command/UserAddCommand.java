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

    @Option(name = "--role", aliases = "-r", description = "admin, operator or viewer (required)")
    String role;

    @Option(name = "--password-file", description = "read the password from the first line of this file")
    String passwordFile;

    /** Karaf parses options only before the arguments: "NAME --role viewer" arrives here. */
    @Argument(index = 1, name = "options", required = false, multiValued = true,
            description = "--role ROLE and --password-file FILE may also follow the name")
    java.util.List<String> trailing;

    @Override
    public Object execute() throws Exception {
        java.util.Map<String, String> o = UserCommands.trailing(trailing, java.util.Set.of("--role", "-r",
                "--password-file"));
        String r = o.getOrDefault("--role", o.getOrDefault("-r", role));
        String file = o.getOrDefault("--password-file", passwordFile);
        if (r == null) {
            throw new IllegalArgumentException("--role is required: admin, operator or viewer");
        }
        System.out.println(UserCommands.add(users.users(), session, name, r, file));
        return null;
    }
}
