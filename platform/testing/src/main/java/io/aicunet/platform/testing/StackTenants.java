package io.aicunet.platform.testing;

import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.grpc.ManagedChannel;

/**
 * Tenants of the tenant service that {@code ./fleet up} runs (port {@code FLEET_TENANT_PORT},
 * 18081 by default), for benchmarks against the running stack: a real tenant has a data key
 * (agent-state encrypts checkpoints with it) and the quotas it was created with, where a
 * random tenant id gets the unknown-tenant quotas, whose request rate a benchmark outruns.
 */
public final class StackTenants {

    private StackTenants() {
    }

    /** A new tenant with the fixtures' defaults; its id. */
    public static String create() {
        return create(null);
    }

    /** A new tenant with these quotas (null: the fixtures' defaults); its id. */
    public static String create(Quotas.Builder quotas) {
        int tenantPort = Integer.parseInt(System.getenv().getOrDefault("FLEET_TENANT_PORT", "18081"));
        ManagedChannel channel = ServiceTls.stackChannel("127.0.0.1", tenantPort);
        try {
            var tenant = TenantFixtures.aTenant();
            if (quotas != null) {
                tenant.setQuotas(quotas);
            }
            return TenantServiceGrpc.newBlockingStub(TestCallers.as(channel, TestCallers.platformAdmin()))
                    .createTenant(tenant.build()).getTenant().getId();
        } finally {
            channel.shutdownNow();
        }
    }
}
