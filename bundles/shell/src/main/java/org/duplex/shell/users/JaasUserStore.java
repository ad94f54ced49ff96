package org.duplex.shell.users;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.karaf.jaas.boot.principal.GroupPrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.jaas.modules.BackingEngine;

/**
 * A {@link UserStore} over Karaf's {@link BackingEngine} of the realm's properties login module: passwords are
 * written hashed or encrypted as the realm is configured (etc/org.apache.karaf.jaas.cfg), the file is
 * etc/users.properties. A fresh engine per call, so what bin/duplex-passwd wrote meanwhile is seen.
 */
public final class JaasUserStore implements UserStore {

    private final Supplier<BackingEngine> engine;

    public JaasUserStore(Supplier<BackingEngine> engine) {
        this.engine = engine;
    }

    @Override
    public synchronized List<User> users() {
        BackingEngine e = engine.get();
        return e.listUsers().stream().map(u -> new User(u.getName(), e.listGroups(u).stream()
                .map(GroupPrincipal::getName).collect(java.util.stream.Collectors.toSet()))).toList();
    }

    @Override
    public synchronized void putUser(String name, String password) {
        engine.get().addUser(name, password);
    }

    @Override
    public synchronized void removeUser(String name) {
        engine.get().deleteUser(name);
    }

    @Override
    public synchronized void addToGroup(String name, String group) {
        BackingEngine e = engine.get();
        if (e.listGroups(new UserPrincipal(name)).stream().noneMatch(g -> g.getName().equals(group))) {
            e.addGroup(name, group);
        }
    }

    @Override
    public synchronized void removeFromGroup(String name, String group) {
        engine.get().deleteGroup(name, group);
    }

    @Override
    public synchronized void ensureGroup(String group, List<String> roles) {
        BackingEngine e = engine.get();
        Map<GroupPrincipal, String> groups = e.listGroups();
        if (groups.keySet().stream().anyMatch(g -> g.getName().equals(group))) {
            return;
        }
        e.createGroup(group);
        for (String role : roles) {
            e.addGroupRole(group, role);
        }
    }
}
