package io.aicunet.audit;

import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.DatabaseIsolationCheck;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the database enforces whatever the application does: the fleet's
 * {@link DatabaseIsolationCheck} with the audit service's tables (every one is a tenant's,
 * under forced row-level security; records are never updated or deleted by the app role,
 * nor heads deleted: rows leave only through the owner's retention function). What only
 * the audit log has (the append-only trigger, the legal hold) is proven by
 * TamperDetectionTest and LegalHoldBypassTest.
 */
@QuarkusTest
class DatabaseIsolationTest {

    private static final Declaration TABLES = Declaration
            .tenantTables("audit_checkpoints", "audit_heads", "audit_records", "audit_removals", "audit_segments",
                    "audit_tenant_policies", "tenant_storage")
            .appRoleRefuses("audit_records", Privilege.UPDATE, Privilege.DELETE)
            .appRoleRefuses("tenant_storage", Privilege.DELETE)
            .appRoleRefuses("audit_heads", Privilege.DELETE);

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: every tenant table forces row-level security, and the app role can neither
     * change the schema nor truncate, nor update or delete records, nor delete heads
     * (platform/testing DatabaseIsolationCheck).
     */
    @Test
    void databaseConfinesTheAppRole() {
        DatabaseIsolationCheck.assertIsolated(FleetTestResource.database(), TABLES);
    }

    /** Proves: as the app role in one tenant's scope, no record or head of another tenant can be seen or changed. */
    @Test
    void tenantsAreIsolated() {
        String tenant = UUID.randomUUID().toString();
        String otherTenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, 2).build());
            client.asService().append(AuditFixtures.anAppend(otherTenant, 3).build());
        }
        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "audit_records", tenant,
                otherTenant);
        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "audit_heads", tenant,
                otherTenant);
    }
}
