package org.duplex.shell.users;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code ha:user-*}: the console users and their Duplex role, over a {@link UserStore}. A role is one of the three
 * groups {@code bin/duplex-passwd} writes (admin = {@code admingroup}, operator = {@code duplex-operator}, viewer =
 * {@code duplex-viewer}); a user is in exactly one of them. The last admin can be neither removed nor demoted.
 * Bad input is refused with an {@link IllegalArgumentException} naming the argument.
 */
public final class Users {

    /** The roles, their group in the realm and the roles the group carries (as bin/duplex-passwd writes them). */
    public enum Role {
        ADMIN("admingroup", List.of("admin", "manager", "viewer", "systembundles", "ssh")),
        OPERATOR("duplex-operator", List.of("operator", "viewer", "ssh")),
        VIEWER("duplex-viewer", List.of("viewer", "ssh"));

        private final String group;
        private final List<String> roles;

        Role(String group, List<String> roles) {
            this.group = group;
            this.roles = roles;
        }

        public String group() {
            return group;
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role parse(String text) {
            for (Role r : values()) {
                if (r.word().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("role '" + text + "' must be admin, operator or viewer");
        }

        static Optional<Role> ofGroup(String group) {
            for (Role r : values()) {
                if (r.group.equals(group)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** The names bin/duplex-passwd accepts: no ':' (group prefix), '=' or whitespace (properties syntax). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MIN_PASSWORD = 12;

    private final UserStore store;

    public Users(UserStore store) {
        this.store = store;
    }

    /** The users, by name, with their role ("-" for a user in none of the three groups). */
    public String list() {
        List<UserStore.User> users = new ArrayList<>(store.users());
        if (users.isEmpty()) {
            return "no users (bin/duplex-passwd creates the first admin)";
        }
        users.sort(Comparator.comparing(UserStore.User::name));
        StringBuilder sb = new StringBuilder(String.format("%-24s %s%n", "USER", "ROLE"));
        for (UserStore.User u : users) {
            sb.append(String.format("%-24s %s%n", u.name(), role(u).map(Role::word).orElse("- (groups "
                    + u.groups() + ")")));
        }
        return sb.toString().stripTrailing();
    }

    /** Refuses a bad name, an unknown role or an existing user before a password is asked for. */
    public void checkNew(String name, String role) {
        checkName(name);
        Role.parse(role);
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("user '" + name + "' exists: ha:user-passwd " + name
                    + " changes its password, ha:user-role " + name + " ROLE its role");
        }
    }

    /** Refuses a bad or unknown name before a password is asked for. */
    public void checkExisting(String name) {
        existing(name);
    }

    /** The password from --password-file or typed twice in the session. */
    public static String password(org.apache.karaf.shell.api.console.Session session, String passwordFile,
                                  String user) throws java.io.IOException {
        return Passwords.read(session, passwordFile, user);
    }

    /** Adds a user with a role; refused when it exists. */
    public String add(String name, String role, String password) {
        checkName(name);
        Role r = Role.parse(role);
        checkPassword(password);
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("user '" + name + "' exists: ha:user-passwd " + name
                    + " changes its password, ha:user-role " + name + " ROLE its role");
        }
        store.ensureGroup(r.group(), r.roles);
        store.putUser(name, password);
        store.addToGroup(name, r.group());
        return "user " + name + " added with role " + r.word() + " (it may log in to the console and the REST API "
                + "now)";
    }

    /** Sets the password of an existing user. */
    public String passwd(String name, String password) {
        UserStore.User u = existing(name);
        checkPassword(password);
        store.putUser(u.name(), password);
        return "password of " + name + " changed (REST sessions already open stay valid until they expire)";
    }

    /** Gives an existing user another role; refused for the last admin. */
    public String role(String name, String role) {
        UserStore.User u = existing(name);
        Role r = Role.parse(role);
        Optional<Role> before = role(u);
        if (before.equals(Optional.of(r)) && u.groups().stream().filter(g -> Role.ofGroup(g).isPresent()).count() == 1) {
            return name + " already has role " + r.word() + "; nothing changed";
        }
        if (r != Role.ADMIN) {
            refuseLastAdmin(u, "demote");
        }
        store.ensureGroup(r.group(), r.roles);
        store.addToGroup(u.name(), r.group());
        for (String g : u.groups()) {
            if (!g.equals(r.group()) && Role.ofGroup(g).isPresent()) {
                store.removeFromGroup(u.name(), g);
            }
        }
        return name + ": role " + before.map(Role::word).orElse("none") + " -> " + r.word()
                + " (new logins get it; REST sessions already open keep the old role until they expire)";
    }

    /** Removes a user; refused for the last admin. */
    public String remove(String name) {
        UserStore.User u = existing(name);
        refuseLastAdmin(u, "remove");
        store.removeUser(u.name());
        return "user " + name + " removed (REST sessions already open stay valid until they expire)";
    }

    private void refuseLastAdmin(UserStore.User u, String what) {
        if (!u.groups().contains(Role.ADMIN.group())) {
            return;
        }
        long admins = store.users().stream().filter(x -> x.groups().contains(Role.ADMIN.group())).count();
        if (admins <= 1) {
            throw new IllegalArgumentException("user '" + u.name() + "' is the last admin: add another admin "
                    + "(ha:user-add NAME --role admin) before you " + what + " it");
        }
    }

    /** The Duplex role of a user: the highest of the three groups it is in. */
    static Optional<Role> role(UserStore.User u) {
        for (Role r : Role.values()) {
            if (u.groups().contains(r.group())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Optional<UserStore.User> find(String name) {
        return store.users().stream().filter(u -> u.name().equals(name)).findFirst();
    }

    private UserStore.User existing(String name) {
        checkName(name);
        return find(name).orElseThrow(() -> new IllegalArgumentException("user '" + name + "' does not exist "
                + "(ha:user-list shows the users)"));
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("user name is empty");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name '" + name + "' must be 1-64 letters, digits, '.', '_' or "
                    + "'-', starting with a letter or digit (no ':', '=' or whitespace)");
        }
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.indexOf(',') >= 0 || password.indexOf('\\') >= 0 || password.chars().anyMatch(
                Character::isISOControl)) {
            throw new IllegalArgumentException("password must not contain ',', '\\' or control characters (the "
                    + "realm's users.properties format)");
        }
    }
}
