package org.duplex.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;

import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.LoginContext;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs console commands inside a Pax Exam container as a user logged in through the karaf JAAS realm, as SSH does:
 * the command ACLs (etc/org.apache.karaf.command.acl.*.cfg) then apply to that user's roles. The users are
 * {@link DuplexContainer#USERS}.
 */
final class ShellAs {

    private ShellAs() {
    }

    static Subject login(String user, String password) throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            Thread.currentThread().setContextClassLoader(ShellAs.class.getClassLoader());
            LoginContext lc = new LoginContext("karaf", callbacks -> {
                for (var c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password.toCharArray());
                    }
                }
            });
            lc.login();
            return lc.getSubject();
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** The command's output; throws (with the shell's message) when it fails or is denied. */
    @SuppressWarnings("removal")
    static String execute(SessionFactory factory, String user, String password, String command) throws Exception {
        Subject subject = login(user, password);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> {
                Session session = factory.create(new ByteArrayInputStream(new byte[0]), out, out);
                try {
                    return session.execute(command);
                } finally {
                    session.close();
                }
            });
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** As the container's admin. */
    static String admin(SessionFactory factory, String command) throws Exception {
        return execute(factory, "admin", DuplexContainer.ADMIN_PASSWORD, command);
    }
}
