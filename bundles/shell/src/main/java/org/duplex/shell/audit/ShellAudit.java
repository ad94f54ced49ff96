package org.duplex.shell.audit;

import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.security.auth.Subject;

import org.duplex.api.admin.AuditEntry;

/**
 * Which shell command lines are audited, and their entries: every {@code ha:} command that is not in
 * {@link #READ_ONLY}, once per command of the line (a line may hold several, separated by {@code ;} or {@code |}).
 * The user and source come from the session's JAAS subject (Karaf's UserPrincipal and, for SSH, ClientPrincipal).
 */
public final class ShellAudit {

    /** ha: commands that change nothing in the cluster: not audited. */
    public static final Set<String> READ_ONLY = Set.of("status", "history", "audit", "version", "links", "monitors",
            "monitor-check", "monitor-show", "resource-show", "group-show", "config-show", "config-export",
            "fence-list", "plugin-list", "mirror-status", "simulate", "user-list");

    private final Clock clock;

    public ShellAudit(Clock clock) {
        this.clock = clock;
    }

    /** The audited commands of one line: {@code [name, arguments]} pairs, name with its {@code ha:} prefix. */
    public static List<String[]> mutating(CharSequence line) {
        List<String[]> out = new ArrayList<>();
        if (line == null) {
            return out;
        }
        for (String piece : line.toString().split("[;|\\n]")) {
            String p = piece.strip();
            int sp = p.indexOf(' ');
            String name = sp < 0 ? p : p.substring(0, sp);
            String args = sp < 0 ? "" : p.substring(sp + 1).strip();
            if (name.startsWith("ha:") && !READ_ONLY.contains(name.substring(3)) && name.length() > 3) {
                out.add(new String[] {name, args});
            }
        }
        return out;
    }

    /** The entries for a line that ran: {@code failure} null when it succeeded. */
    public List<AuditEntry> entries(CharSequence line, Subject subject, Exception failure) {
        List<AuditEntry> out = new ArrayList<>();
        String user = principal(subject, "UserPrincipal");
        String source = principal(subject, "ClientPrincipal");
        for (String[] c : mutating(line)) {
            out.add(new AuditEntry(clock.instant(), user == null ? "(unknown)" : user,
                    source == null ? "local console" : source, "shell", c[0], c[1], failure == null,
                    failure == null ? "ok" : failure.getClass().getSimpleName() + ": " + failure.getMessage()));
        }
        return out;
    }

    private static String principal(Subject subject, String simpleName) {
        if (subject == null) {
            return null;
        }
        for (Principal p : subject.getPrincipals()) {
            if (p.getClass().getSimpleName().equals(simpleName)) {
                return p.getName();
            }
        }
        return null;
    }
}
