package io.aicunet.tenant;

import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.platform.testing.DatabaseIsolationCheck;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TenantFixtures;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * What the database enforces whatever the application does: the fleet's
 * {@link DatabaseIsolationCheck} with the tenant service's tables. Tenants, their data keys
 * and privacy requests belong to one tenant each, under forced row-level security; a tenant
 * is never deleted (an erased tenant stays, marked erased). The idempotency keys of
 * CreateTenant carry a tenant id but are read across tenants on purpose: the key is claimed
 * before the tenant exists, by a platform caller, and the expiry job deletes them for all.
 */
@QuarkusTest
class DatabaseIsolationTest extends GrpcTestBase {

    private static final Declaration TABLES = Declaration
            .tenantTables("privacy_request_parts", "privacy_requests", "tenant_data_keys", "tenants")
            .crossTenantTables("idempotency_keys")
            .appRoleRefuses("tenants", Privilege.DELETE);

    /**
     * Proves: every tenant table forces row-level security, no other table has a tenant id,
     * and the app role can neither change the schema, truncate, nor delete tenants, nor
     * reach another service's database (platform/testing DatabaseIsolationCheck).
     */
    @Test
    void databaseConfinesTheAppRole() {
        DatabaseIsolationCheck.assertIsolated(FleetTestResource.database(), TABLES);
    }

    /**
     * Proves: raw SQL as the app role in tenant A's session sees only A's tenant row and data
     * key, changes none of B's, cannot move a row to B, and with no tenant set sees nothing.
     */
    @Test
    void rowLevelSecurityHidesOtherTenants() {
        Tenant a = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
        Tenant b = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();

        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "tenants", a.getId(), b.getId());
        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "tenant_data_keys",
                a.getId(), b.getId());
    }
}
