package io.aicunet.ledger;

import io.aicunet.platform.testing.DatabaseTlsCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.ReportingRoles;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The ledger's own connections to Postgres are encrypted and verified (docs/tls.md): its app
 * pool and its reporting pool (verify-full with the local CA, application.properties) each
 * find their session under TLS, and seen from the server every session of the app role is.
 * The refusals (plaintext, another CA, another host name) are the stack's: PostgresTlsTest
 * in platform/testing.
 */
@QuarkusTest
class DatabaseTlsTest extends LedgerTestBase {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    @ReactiveDataSource("reporting")
    Pool reporting;

    /** Proves: the app pool's session runs over TLS 1.2+, and so does every session of ledger_app on the run's database. */
    @Test
    void appPoolIsEncrypted() {
        assertEncrypted(pool);
        DatabaseTlsCheck.assertSessionsEncrypted(FleetTestResource.database(), "ledger_app");
    }

    /** Proves: the reporting pool's session (the reporting role, a read replica in production) runs over TLS 1.2+. */
    @Test
    void reportingPoolIsEncrypted() {
        assertEncrypted(reporting);
        DatabaseTlsCheck.assertSessionsEncrypted(FleetTestResource.database(), ReportingRoles.user("ledger"));
    }

    private static void assertEncrypted(Pool client) {
        Row row = client.query(DatabaseTlsCheck.OWN_SESSION)
                .execute().await().atMost(QUERY_TIMEOUT).iterator().next();
        DatabaseTlsCheck.assertOwnSession(row.getBoolean("ssl"), row.getString("version"));
    }
}
