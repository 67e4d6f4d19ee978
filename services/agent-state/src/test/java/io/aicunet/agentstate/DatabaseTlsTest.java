package io.aicunet.agentstate;

import static org.awaitility.Awaitility.await;

import io.aicunet.platform.testing.DatabaseTlsCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * agent-state's connections to Postgres are encrypted and verified (docs/tls.md): its pool and
 * the status listener (PgStatusChanges, a connection of its own outside the pool, which takes
 * the pool's TLS settings) both run under TLS, seen from the server. The refusals (plaintext,
 * another CA, another host name) are the stack's: PostgresTlsTest in platform/testing.
 */
@QuarkusTest
class DatabaseTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    /** Proves: the pool's session runs over TLS 1.2+. */
    @Test
    void poolIsEncrypted() {
        Row row = pool.query(DatabaseTlsCheck.OWN_SESSION)
                .execute().await().atMost(WAIT).iterator().next();
        DatabaseTlsCheck.assertOwnSession(row.getBoolean("ssl"), row.getString("version"));
    }

    /** Proves: the status listener's connection (LISTEN agent_state_status) is encrypted, like every session of agent_state_app. */
    @Test
    void statusListenerIsEncrypted() {
        await().atMost(WAIT).until(() -> listenerSessions() > 0);
        DatabaseTlsCheck.assertSessionsEncrypted(FleetTestResource.database(), "agent_state_app");
    }

    private static int listenerSessions() throws SQLException {
        try (Connection superuser = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = superuser.prepareStatement("""
                        SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
                        WHERE a.datname = ? AND a.usename = 'agent_state_app' AND a.query ILIKE 'LISTEN%'
                        LIMIT 1""")) {
            statement.setString(1, FleetTestResource.database().name());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
