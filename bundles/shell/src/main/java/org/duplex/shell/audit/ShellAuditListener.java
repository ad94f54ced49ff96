package org.duplex.shell.audit;

import java.security.AccessController;
import java.time.Clock;

import javax.security.auth.Subject;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.duplex.api.admin.AuditLog;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Thin DS wiring: Karaf's shell calls every CommandSessionListener service after each command line; the mutating
 * ha: commands of the line go to the audit log with the session's user, source and outcome (an ACL denial is a
 * failed entry).
 */
@Component(service = CommandSessionListener.class)
public class ShellAuditListener implements CommandSessionListener {

    @Reference
    AuditLog audit;

    private final ShellAudit shellAudit = new ShellAudit(Clock.systemUTC());

    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        write(session, command, exception);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        write(session, command, null);
    }

    @SuppressWarnings("removal")
    private void write(CommandSession session, CharSequence command, Exception failure) {
        if (ShellAudit.mutating(command).isEmpty()) {
            return;
        }
        Subject subject = null;
        Object s = session == null ? null : session.get(Subject.class.getName());
        if (s instanceof Subject sub) {
            subject = sub;
        } else {
            subject = Subject.getSubject(AccessController.getContext());
        }
        shellAudit.entries(command, subject, failure).forEach(audit::record);
    }
}
