package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantServiceScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.config.application.privacy.ConfigPrivacyPart;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.aicunet.platform.testing.StorageQuotaChecks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Storage quotas in config: the values of a tenant's entries (tenant and tenant-service
 * scopes) count against its storage_bytes quota (platform/limits StorageQuota), counted
 * in tenant_storage by the database in the write's own transaction.
 */
@QuarkusTest
class StorageQuotaTest extends ConfigTestBase {

    private static final long QUOTA = 100;

    @Inject
    Pool pool;

    @Inject
    ConfigPrivacyPart privacyPart;

    /**
     * Proves: a tenant with a quota of 100 bytes puts values of 50, 49 and 1 bytes (as
     * stored: jsonb text), exactly its quota, over both of its scopes; one byte more is
     * RESOURCE_EXHAUSTED naming the quota, the bound and the current use (100), and makes
     * no revision; overwriting a value with a smaller one and deleting an entry free their
     * bytes, so exactly that much fits again; global entries count for no tenant; an
     * erasure of the tenant brings its count to 0.
     */
    @Test
    void exactlyTheQuotaThenRefusedUntilDeletesFreeRoom() throws Exception {
        String tenant = aTenantWithStorageQuota(QUOTA);
        String namespace = newNamespace();
        Scope mine = tenantScope(tenant);
        put(namespace, "a", mine, valueOf(50));
        put(namespace, "b", tenantServiceScope(tenant, "ledger"), valueOf(49));
        put(namespace, "c", mine, "1");
        assertThat(storedBytes(tenant)).as("exactly the quota").isEqualTo(QUOTA);

        StatusRuntimeException refused = refusedWithoutChange(Status.Code.RESOURCE_EXHAUSTED,
                () -> put(namespace, "d", mine, "2"));
        assertRefused(refused, QUOTA);
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);
        put(namespace, "global-" + UUID.randomUUID(), globalScope(), valueOf(500));
        assertThat(storedBytes(tenant)).as("a global entry is nobody's").isEqualTo(QUOTA);

        put(namespace, "a", mine, valueOf(10));
        assertThat(storedBytes(tenant)).as("a smaller value frees the difference").isEqualTo(60);
        put(namespace, "d", mine, valueOf(40));
        assertRefused(refusedWithoutChange(Status.Code.RESOURCE_EXHAUSTED, () -> put(namespace, "a", mine,
                valueOf(11))), QUOTA);

        admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("b")
                .setScope(tenantServiceScope(tenant, "ledger")).setReason("make room").build());
        assertThat(storedBytes(tenant)).as("a delete frees its value").isEqualTo(51);
        put(namespace, "e", mine, valueOf(49));
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);

        TenantId id = new TenantId(UUID.fromString(tenant));
        TenantTransactions.inTenant(pool, TenantScope.of(id), connection -> privacyPart.erase(connection,
                        new PrivacyScope(UUID.randomUUID(), id, Optional.empty())).map(Result::ok))
                .await().atMost(Duration.ofSeconds(30));
        assertThat(storedBytes(tenant)).as("an erasure empties the count").isZero();
        put(namespace, "a", mine, valueOf(100));
        assertThat(storedBytes(tenant)).isEqualTo(QUOTA);
    }

    /** A JSON string of exactly {@code bytes} bytes as jsonb renders it (at least 2): "xxx...". */
    static String valueOf(int bytes) {
        return "\"" + "x".repeat(bytes - 2) + "\"";
    }

    static String aTenantWithStorageQuota(long storageBytes) {
        return StorageQuotaChecks.aTenantWithStorageQuota(storageBytes);
    }

    static long storedBytes(String tenant) throws Exception {
        return StorageQuotaChecks.storedBytes("config", tenant);
    }

    static void assertRefused(StatusRuntimeException refused, long quota) {
        StorageQuotaChecks.assertStorageRefused(refused, "config", quota, quota);
    }
}
