package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.shell.users.UserAdminComponent;

@Command(scope = "ha", name = "user-remove", description = "Removes a console user (the last admin cannot be removed)")
@Service
public class UserRemoveCommand implements Action {

    @Reference
    UserAdminComponent users;

    @Argument(index = 0, name = "name", required = true, description = "user name")
    String name;

    @Override
    public Object execute() {
        System.out.println(users.users().remove(name));
        return null;
    }
}
