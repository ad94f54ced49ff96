package org.duplex.plugin.mariadb;

import org.duplex.plugin.support.Credentials;
import org.duplex.plugin.support.Deadline;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

import org.mariadb.jdbc.Driver;

/**
 * Talks to a server through MariaDB Connector/J, bounded by a {@link Deadline}. The driver is called directly
 * ({@code new Driver().connect}), not through {@code DriverManager}, which does not see other bundles' drivers in
 * OSGi. Everything (connect, queries, close) runs on one daemon thread that the caller stops waiting for at the
 * deadline; the driver's connect and socket timeouts and the session's {@code max_statement_time} make that thread
 * end soon after.
 */
final class Jdbc {

    /** MariaDB error codes the reasons tell apart. */
    static final int ER_CON_COUNT_ERROR = 1040;
    static final int ER_ACCESS_DENIED_ERROR = 1045;
    static final int ER_SERVER_SHUTDOWN = 1053;
    static final int ER_STATEMENT_TIMEOUT = 1969;

    /** Work done with an open connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> T with(MariadbParams.Connect target, Duration timeout, Work<T> work)
            throws DbException, InterruptedException {
        char[] password = null;
        if (target.passwordFile().isPresent()) {
            try {
                password = Credentials.readPassword(target.passwordFile().get());
            } catch (Credentials.RefusedException e) {
                throw new DbException(DbException.Kind.AUTHENTICATION, e.getMessage());
            }
        }
        Deadline d = Deadline.within(timeout);
        long ms = Math.max(1, d.budget().toMillis());
        Properties props = new Properties();
        props.setProperty("user", target.user());
        if (password != null) {
            props.setProperty("password", new String(password));
            Arrays.fill(password, '\0');
        }
        props.setProperty("connectTimeout", Long.toString(ms));
        props.setProperty("socketTimeout", Long.toString(ms + 1000));
        props.setProperty("sessionVariables", "max_statement_time=" + String.format(Locale.ROOT, "%.3f", ms / 1000.0));
        props.setProperty("connectionAttributes", "program_name:duplex");
        props.setProperty("sslMode", target.tls()); // Connector/J 4 asks for TLS unless told otherwise
        String url = "jdbc:mariadb://" + hostForUrl(target.host()) + ":" + target.port() + "/";
        try {
            return d.call("duplex-mariadb " + target.where(), () -> {
                try (Connection c = new Driver().connect(url, props)) {
                    if (c == null) {
                        throw new SQLException("the driver did not accept " + url);
                    }
                    return work.run(c);
                }
            });
        } catch (TimeoutException e) {
            throw new DbException(DbException.Kind.TIMEOUT, "no answer from " + target.where() + " within "
                    + d.budgetText() + " (server hung, stopped, still starting or unreachable)");
        } catch (IOException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SQLException s) {
                throw classify(target, s);
            }
            throw new DbException(DbException.Kind.OTHER, target.where() + ": " + cause);
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
    static DbException classify(MariadbParams.Connect t, SQLException e) {
        int code = e.getErrorCode();
        String msg = serverMessage(e);
        String where = t.where();
        if (code == ER_ACCESS_DENIED_ERROR) {
            return new DbException(DbException.Kind.AUTHENTICATION, "login as " + t.user() + " to " + where
                    + " refused: " + msg + (t.passwordFile().isPresent()
                            ? " (password from " + t.passwordFile().get() + ")" : " (no password-file given)"));
        }
        if (code == ER_CON_COUNT_ERROR) {
            return new DbException(DbException.Kind.TOO_MANY_CONNECTIONS, where + " refuses connections: " + msg
                    + " (every connection slot is taken)");
        }
        if (code == ER_SERVER_SHUTDOWN) {
            return new DbException(DbException.Kind.NOT_ACCEPTING, where + " is not accepting connections: " + msg);
        }
        if (code == ER_STATEMENT_TIMEOUT) {
            return new DbException(DbException.Kind.TIMEOUT, where + ": query cut off at the timeout: " + msg);
        }
        if (msg.contains("ssl not enabled in the server")) {
            return new DbException(DbException.Kind.AUTHENTICATION, where + " has no TLS but tls=" + t.tls()
                    + " asks for it: " + msg);
        }
        if (hasCause(e, ConnectException.class) || msg.contains("Connection refused")) {
            return new DbException(DbException.Kind.REFUSED, "nothing accepts connections on " + where
                    + " (connection refused)");
        }
        if (hasCause(e, SocketTimeoutException.class) || msg.toLowerCase(Locale.ROOT).contains("timed out")
                || msg.contains("timeout")) {
            return new DbException(DbException.Kind.TIMEOUT, "no answer from " + where + " in time: " + msg);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return new DbException(DbException.Kind.OTHER, where + ": " + msg + (code == 0 ? "" : " [" + code
                + (state.isEmpty() ? "" : "/" + state) + "]"));
    }

    /** The driver prefixes messages with "(conn=12) "; the server's words come after it. */
    static String serverMessage(SQLException e) {
        String m = firstLine(e.getMessage());
        return m.startsWith("(conn=") && m.indexOf(") ") > 0 ? m.substring(m.indexOf(") ") + 2) : m;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
