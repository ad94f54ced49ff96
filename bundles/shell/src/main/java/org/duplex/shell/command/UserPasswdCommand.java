package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.duplex.shell.users.UserAdminComponent;

@Command(scope = "ha", name = "user-passwd", description = "Sets a console user's password (typed twice without "
        + "echo, or the first line of --password-file)")
@Service
public class UserPasswdCommand implements Action {

    @Reference
    UserAdminComponent users;

    @Reference(optional = true)
    Session session;

    @Argument(index = 0, name = "name", required = true, description = "user name")
    String name;

    @Option(name = "--password-file", description = "read the password from the first line of this file")
    String passwordFile;

    /** Karaf parses options only before the arguments: "NAME --password-file F" arrives here. */
    @Argument(index = 1, name = "options", required = false, multiValued = true,
            description = "--password-file FILE may also follow the name")
    java.util.List<String> trailing;

    @Override
    public Object execute() throws Exception {
        String file = UserCommands.trailing(trailing, java.util.Set.of("--password-file"))
                .getOrDefault("--password-file", passwordFile);
        System.out.println(UserCommands.passwd(users.users(), session, name, file));
        return null;
    }
}
