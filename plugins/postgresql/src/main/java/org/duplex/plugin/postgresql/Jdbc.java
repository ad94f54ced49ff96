package org.duplex.plugin.postgresql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

import org.duplex.plugin.support.Credentials;
import org.duplex.plugin.support.Deadline;
import org.postgresql.Driver;

/**
 * Talks to a server through the official JDBC driver, bounded by a {@link Deadline}. The driver is called directly
 * ({@code new Driver().connect}), not through {@code DriverManager}, which does not see other bundles' drivers in
 * OSGi. Everything (connect, queries, close) runs on one daemon thread that the caller stops waiting for at the
 * deadline; the driver's own connect and socket timeouts (whole seconds) and a server-side
 * {@code statement_timeout} make that thread end soon after.
 */
final class Jdbc {

    /** Work done with an open connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> T with(PgParams.Connect target, Duration timeout, Work<T> work) throws PgException, InterruptedException {
        char[] password = null;
        if (target.passwordFile().isPresent()) {
            try {
                password = Credentials.readPassword(target.passwordFile().get());
            } catch (Credentials.RefusedException e) {
                throw new PgException(PgException.Kind.AUTHENTICATION, e.getMessage());
            }
        }
        Deadline d = Deadline.within(timeout);
        long wholeSeconds = Math.max(1, (d.budget().toMillis() + 999) / 1000);
        Properties props = new Properties();
        props.setProperty("user", target.user());
        if (password != null) {
            props.setProperty("password", new String(password));
            Arrays.fill(password, '\0');
        }
        props.setProperty("connectTimeout", Long.toString(wholeSeconds));
        props.setProperty("loginTimeout", Long.toString(wholeSeconds));
        props.setProperty("socketTimeout", Long.toString(wholeSeconds + 1));
        props.setProperty("ApplicationName", "duplex");
        props.setProperty("options", "-c statement_timeout=" + Math.max(1, d.budget().toMillis()));
        String url = "jdbc:postgresql://" + hostForUrl(target.host()) + ":" + target.port() + "/" + target.database();
        try {
            return d.call("duplex-postgresql " + target.host() + ":" + target.port(), () -> {
                try (Connection c = new Driver().connect(url, props)) {
                    if (c == null) {
                        throw new SQLException("the driver did not accept " + url);
                    }
                    return work.run(c);
                }
            });
        } catch (TimeoutException e) {
            throw new PgException(PgException.Kind.TIMEOUT, "no answer from " + target.host() + ":" + target.port()
                    + " within " + d.budgetText() + " (server hung, stopped or unreachable)");
        } catch (IOException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SQLException s) {
                throw classify(target, s);
            }
            throw new PgException(PgException.Kind.OTHER, target.where() + ": " + cause);
        }
    }

    /** SELECT 1, the liveness probe. */
    static void selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
            if (!rs.next() || rs.getInt(1) != 1) {
                throw new SQLException("SELECT 1 did not return 1");
            }
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The server's own message (first line), which never contains the password. */
    static PgException classify(PgParams.Connect t, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = firstLine(e.getMessage());
        String where = t.host() + ":" + t.port();
        if (state.equals("28P01") || state.equals("28000")
                || state.startsWith("08") && msg.contains("no password was provided")) {
            return new PgException(PgException.Kind.AUTHENTICATION, "login as " + t.user() + " to " + where
                    + " refused: " + msg + (t.passwordFile().isPresent()
                            ? " (password from " + t.passwordFile().get() + ")" : " (no password-file given)"));
        }
        if (state.equals("53300")) {
            return new PgException(PgException.Kind.TOO_MANY_CONNECTIONS, where + " refuses connections: " + msg
                    + " (every connection slot is taken)");
        }
        if (state.equals("57P03")) {
            return new PgException(PgException.Kind.NOT_ACCEPTING, where + " is not accepting connections: " + msg);
        }
        if (state.startsWith("08")) {
            boolean refused = msg.contains("refused");
            boolean timedOut = msg.contains("timed out") || e.getCause() instanceof java.net.SocketTimeoutException;
            return new PgException(refused ? PgException.Kind.REFUSED
                    : timedOut ? PgException.Kind.TIMEOUT : PgException.Kind.OTHER,
                    refused ? "nothing accepts connections on " + where + " (connection refused)" : where + ": " + msg);
        }
        if (state.equals("57014")) {
            return new PgException(PgException.Kind.TIMEOUT, where + ": query cancelled at the timeout: " + msg);
        }
        return new PgException(PgException.Kind.OTHER, t.where() + ": " + msg + (state.isEmpty() ? "" : " [" + state
                + "]"));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
