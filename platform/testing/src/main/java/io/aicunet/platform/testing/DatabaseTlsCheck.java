package io.aicunet.platform.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * That a service's connections to its database are encrypted, seen from the server:
 * every session of the given role on the test run's database ({@code pg_stat_activity}
 * joined with {@code pg_stat_ssl}, read as the superuser) runs over TLS 1.2 or later. The
 * server refuses plaintext TCP anyway (platform/devstack/bin/postgres.sh); this shows that
 * the service's own clients (pool, listeners, Liquibase) are the verifying ones the
 * configuration names, not merely that something connected. Each unencrypted session is
 * named; a role with no session at all fails too, so a check that saw nothing proves nothing.
 */
public final class DatabaseTlsCheck {

    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

    /** What a client asks about its own session: {@code ssl} and {@code version}, for {@link #assertOwnSession}. */
    public static final String OWN_SESSION = "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    private DatabaseTlsCheck() {
    }

    /** Asserts what a client read with {@link #OWN_SESSION}: its session is encrypted, with TLS 1.2 or later. */
    public static void assertOwnSession(boolean ssl, String version) {
        if (!ssl) {
            throw new AssertionError("the session is not encrypted");
        }
        if (!TLS_VERSIONS.contains(version)) {
            throw new AssertionError("the session uses " + version + ", not TLS 1.2 or later");
        }
    }

    /** Asserts that {@code role} has sessions on {@code database} and that each of them is encrypted. */
    public static void assertSessionsEncrypted(TestDatabase database, String role) {
        List<String> sessions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Connection superuser = database.connectAsSuperuser();
                PreparedStatement statement = superuser.prepareStatement("""
                        SELECT a.pid, a.application_name, host(a.client_addr) AS client, s.ssl, s.version
                        FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
                        WHERE a.datname = ? AND a.usename = ?
                        ORDER BY a.pid
                        LIMIT 1000""")) {
            statement.setString(1, database.name());
            statement.setString(2, role);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String session = "pid " + rows.getInt("pid") + " (" + rows.getString("application_name")
                            + " from " + rows.getString("client") + ")";
                    sessions.add(session);
                    if (!rows.getBoolean("ssl")) {
                        problems.add(session + " is not encrypted");
                    } else if (!TLS_VERSIONS.contains(rows.getString("version"))) {
                        problems.add(session + " uses " + rows.getString("version"));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the sessions of " + role + " on " + database.name(), e);
        }
        if (sessions.isEmpty()) {
            throw new AssertionError(role + " has no session on " + database.name() + ": nothing to check");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("sessions of " + role + " on " + database.name() + " without TLS 1.2+:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
