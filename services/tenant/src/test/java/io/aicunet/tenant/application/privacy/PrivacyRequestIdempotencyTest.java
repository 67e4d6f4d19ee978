package io.aicunet.tenant.application.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestResponse;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.tenant.GrpcTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A privacy request's idempotency key belongs to its tenant (changeset 0005). */
@QuarkusTest
class PrivacyRequestIdempotencyTest extends GrpcTestBase {

    /** One subject name for a privacy officer in each of two tenants: names are unique per tenant only. */
    private static final String SUBJECT = "dpo@example.org";

    /**
     * Proves: privacy officers of two tenants with the same subject name and the same key
     * each start their own request (before 0005 the second one got INTERNAL, a 500: row-level
     * security hid the first request from its lookup, the fleet-wide unique key refused its
     * insert), and a retry within one tenant returns that tenant's first request, marked replayed.
     */
    @Test
    void twoTenantsUseTheSameKeyAndRetriesReplayPerTenant() {
        Tenant first = newTenant();
        Tenant second = newTenant();
        String key = "export-" + UUID.randomUUID();

        CreatePrivacyRequestResponse ofFirst = client.privacyAs(officerOf(first)).createPrivacyRequest(export(first, key));
        CreatePrivacyRequestResponse ofSecond = client.privacyAs(officerOf(second)).createPrivacyRequest(export(second, key));
        CreatePrivacyRequestResponse retry = client.privacyAs(officerOf(first)).createPrivacyRequest(export(first, key));

        assertThat(ofFirst.getReplayed()).isFalse();
        assertThat(ofSecond.getReplayed()).isFalse();
        assertThat(ofFirst.getRequest().getTenantId()).isEqualTo(first.getId());
        assertThat(ofSecond.getRequest().getTenantId()).isEqualTo(second.getId());
        assertThat(ofSecond.getRequest().getRequestId()).isNotEqualTo(ofFirst.getRequest().getRequestId());
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getRequest().getRequestId()).isEqualTo(ofFirst.getRequest().getRequestId());
    }

    /**
     * Proves: one platform privacy officer may use one key for requests of two tenants (before
     * 0005 the lookup at platform scope found the first tenant's request and refused the second
     * as IDEMPOTENCY_KEY_REUSED), and retrying either returns that tenant's own request.
     */
    @Test
    void platformOfficerUsesOneKeyForTwoTenants() {
        Map<String, String> officer = TestCallers.headers("platform", SUBJECT, Set.of("platform-privacy-officer"));
        Tenant first = newTenant();
        Tenant second = newTenant();
        String key = "export-" + UUID.randomUUID();

        CreatePrivacyRequestResponse ofFirst = client.privacyAs(officer).createPrivacyRequest(export(first, key));
        CreatePrivacyRequestResponse ofSecond = client.privacyAs(officer).createPrivacyRequest(export(second, key));
        CreatePrivacyRequestResponse retryOfSecond = client.privacyAs(officer).createPrivacyRequest(export(second, key));

        assertThat(ofSecond.getReplayed()).isFalse();
        assertThat(ofSecond.getRequest().getTenantId()).isEqualTo(second.getId());
        assertThat(ofSecond.getRequest().getRequestId()).isNotEqualTo(ofFirst.getRequest().getRequestId());
        assertThat(retryOfSecond.getReplayed()).isTrue();
        assertThat(retryOfSecond.getRequest().getRequestId()).isEqualTo(ofSecond.getRequest().getRequestId());
    }

    private Tenant newTenant() {
        return client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
    }

    private static Map<String, String> officerOf(Tenant tenant) {
        return TestCallers.headers(tenant.getId(), SUBJECT, Set.of("tenant-privacy-officer"));
    }

    private static CreatePrivacyRequestRequest export(Tenant tenant, String key) {
        return CreatePrivacyRequestRequest.newBuilder().setIdempotencyKey(key).setTenantId(tenant.getId())
                .setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT).build();
    }
}
