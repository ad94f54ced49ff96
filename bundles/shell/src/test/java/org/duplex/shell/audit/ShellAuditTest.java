package org.duplex.shell.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import javax.security.auth.Subject;

import org.duplex.api.admin.AuditEntry;
import org.junit.jupiter.api.Test;

class ShellAuditTest {

    record UserPrincipal(String getName) implements Principal {
    }

    record ClientPrincipal(String getName) implements Principal {
    }

    @Test
    void onlyMutatingHaCommandsAreAudited() {
        assertThat(ShellAudit.mutating("ha:status")).isEmpty();
        assertThat(ShellAudit.mutating("bundle:list | grep ha:switchover")).isEmpty();
        assertThat(ShellAudit.mutating("ha:history web; ha:switchover web n2 ; ha:audit -n 3"))
                .extracting(c -> c[0] + "|" + c[1]).containsExactly("ha:switchover|web n2");
        assertThat(ShellAudit.mutating("ha:")).isEmpty();
    }

    @Test
    void entriesCarryUserSourceAndOutcome() {
        ShellAudit a = new ShellAudit(Clock.fixed(Instant.parse("2026-12-06T01:00:00Z"), ZoneOffset.UTC));
        Subject s = new Subject(true, Set.of(new UserPrincipal("vera"), new ClientPrincipal("ssh(/10.0.0.9:4242)")),
                Set.of(), Set.of());
        List<AuditEntry> denied = a.entries("ha:switchover web", s, new SecurityException("Insufficient credentials"));
        assertThat(denied).containsExactly(new AuditEntry(Instant.parse("2026-12-06T01:00:00Z"), "vera",
                "ssh(/10.0.0.9:4242)", "shell", "ha:switchover", "web", false,
                "SecurityException: Insufficient credentials"));
        assertThat(a.entries("ha:cleanup vip", null, null)).singleElement()
                .satisfies(e -> assertThat(e.user() + " " + e.source() + " " + e.success())
                        .isEqualTo("(unknown) local console true"));
    }
}
