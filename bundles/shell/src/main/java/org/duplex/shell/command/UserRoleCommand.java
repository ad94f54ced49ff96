package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.shell.users.UserAdminComponent;

@Command(scope = "ha", name = "user-role", description = "Gives a console user another role: admin, operator or "
        + "viewer (the last admin cannot be demoted)")
@Service
public class UserRoleCommand implements Action {

    @Reference
    UserAdminComponent users;

    @Argument(index = 0, name = "name", required = true, description = "user name")
    String name;

    @Argument(index = 1, name = "role", required = true, description = "admin, operator or viewer")
    String role;

    @Override
    public Object execute() {
        System.out.println(users.users().role(name, role));
        return null;
    }
}
