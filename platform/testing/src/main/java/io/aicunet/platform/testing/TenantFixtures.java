package io.aicunet.platform.testing;

import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.contracts.tenant.v1.Tier;
import java.util.UUID;

/** Named builders of tenant-service requests, each unique so tests never collide. */
public final class TenantFixtures {

    private TenantFixtures() {
    }

    /** A valid request for a new tenant in region eu-central-1, standard tier. */
    public static CreateTenantRequest.Builder aTenant() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return CreateTenantRequest.newBuilder()
                .setIdempotencyKey("create-" + unique)
                .setSlug("acme-" + unique)
                .setDisplayName("Acme " + unique)
                .setRegion("eu-central-1")
                .setTier(Tier.TIER_STANDARD);
    }
}
