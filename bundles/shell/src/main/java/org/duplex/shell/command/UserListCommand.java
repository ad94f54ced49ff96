package org.duplex.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.shell.users.UserAdminComponent;

@Command(scope = "ha", name = "user-list",
        description = "The console users (shell, SSH, bin/client, REST API) and their role: admin, operator or viewer")
@Service
public class UserListCommand implements Action {

    @Reference
    UserAdminComponent users;

    @Override
    public Object execute() {
        System.out.println(users.users().list());
        return null;
    }
}
