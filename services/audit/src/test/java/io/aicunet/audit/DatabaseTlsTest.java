package io.aicunet.audit;

import io.aicunet.platform.testing.DatabaseTlsCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The audit service's connections to Postgres are encrypted and verified (docs/tls.md): its
 * pool (verify-full with the local CA, application.properties) finds its session under TLS,
 * and seen from the server every session of audit_app (the pool; Liquibase connected as the
 * owner) is. The refusals (plaintext, another CA, another host name) are the stack's:
 * PostgresTlsTest in platform/testing.
 */
@QuarkusTest
class DatabaseTlsTest {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    /** Proves: the pool's session runs over TLS 1.2+, and so does every session of audit_app on the run's database. */
    @Test
    void poolIsEncrypted() {
        Row row = pool.query(DatabaseTlsCheck.OWN_SESSION)
                .execute().await().atMost(QUERY_TIMEOUT).iterator().next();
        DatabaseTlsCheck.assertOwnSession(row.getBoolean("ssl"), row.getString("version"));
        DatabaseTlsCheck.assertSessionsEncrypted(FleetTestResource.database(), "audit_app");
    }
}
