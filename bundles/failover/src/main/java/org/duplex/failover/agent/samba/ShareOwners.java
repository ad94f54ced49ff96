package org.duplex.failover.agent.samba;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A share must not start on a node that lacks its users: smbd would refuse them there (or, worse, map a numeric id
 * to someone else), so the permissions would not survive the switchover. Checks that every user and group the share
 * names (valid users, write list, force user/group; {@code @group} / {@code +group} entries are groups) and the
 * owner and group of the share's directory exist on this node, through the system's user database (NSS: files,
 * LDAP, SSSD), the way smbd resolves them.
 */
final class ShareOwners {

    private static final List<String> USER_LISTS = List.of("valid-users", "write-list", "read-list", "admin-users",
            "invalid-users");

    private ShareOwners() {
    }

    /** What is missing on this node; empty when every name resolves. */
    static List<String> missing(Path dir, Map<String, String> params) throws IOException {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        Set<String> users = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        for (String key : USER_LISTS) {
            String v = params.get(key);
            if (v == null) {
                continue;
            }
            for (String entry : v.split("[,\\s]+")) {
                if (entry.isBlank()) {
                    continue;
                }
                String e = entry.strip();
                if (e.startsWith("@") || e.startsWith("+") || e.startsWith("&")) {
                    groups.add(e.replaceFirst("^[@+&]+", ""));
                } else {
                    users.add(e);
                }
            }
        }
        if (params.get("force-user") != null) {
            users.add(params.get("force-user").strip());
        }
        if (params.get("force-group") != null) {
            groups.add(params.get("force-group").strip().replaceFirst("^\\+", ""));
        }
        List<String> out = new ArrayList<>();
        for (String u : users) {
            try {
                lookup.lookupPrincipalByName(u);
            } catch (UserPrincipalNotFoundException e) {
                out.add("user '" + u + "'");
            }
        }
        for (String g : groups) {
            try {
                lookup.lookupPrincipalByGroupName(g);
            } catch (UserPrincipalNotFoundException e) {
                out.add("group '" + g + "'");
            }
        }
        // an owner without a name on this node shows as its number: the ids differ between the nodes
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        if (a.owner().getName().matches("\\d+")) {
            out.add("owner uid " + a.owner().getName() + " of " + dir);
        }
        if (a.group().getName().matches("\\d+")) {
            out.add("group gid " + a.group().getName() + " of " + dir);
        }
        return out;
    }
}
