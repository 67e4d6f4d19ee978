package io.aicunet.tenant.application.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExpireIdempotencyKeysTest {

    @Inject
    ExpireIdempotencyKeys expireIdempotencyKeys;

    /** Proves: keys older than the retention period are deleted and recent ones stay. */
    @Test
    void forgetsOnlyExpiredKeys() throws Exception {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        try (Connection db = FleetTestResource.database().connectAsSuperuser()) {
            insertKey(db, old, "now() - interval '8 days'");
            insertKey(db, recent, "now() - interval '6 days'");

            int removed = expireIdempotencyKeys.execute().await().atMost(Duration.ofSeconds(30));

            assertThat(removed).isGreaterThanOrEqualTo(1);
            assertThat(exists(db, old)).isFalse();
            assertThat(exists(db, recent)).isTrue();
        }
    }

    private static void insertKey(Connection db, String key, String createdAt) throws Exception {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO tenant.idempotency_keys"
                + " (subject, idempotency_key, request_sha256, tenant_id, created_at)"
                + " VALUES ('expiry-test', ?, decode(repeat('00', 32), 'hex'), gen_random_uuid(), " + createdAt + ")")) {
            insert.setString(1, key);
            insert.executeUpdate();
        }
    }

    private static boolean exists(Connection db, String key) throws Exception {
        try (PreparedStatement select = db.prepareStatement(
                "SELECT 1 FROM tenant.idempotency_keys WHERE idempotency_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }
}
