package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.platform.testing.ForgedTokens;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Signing keys rotate at the identity provider: a service that already holds the
 * issuer's keys learns a new one when the first token signed with it arrives.
 */
@QuarkusTest
class KeyRotationTest extends GrpcTestBase {

    /**
     * Proves: after the service has fetched the realm's keys, a key added to the realm
     * (as a rotation adds one) is fetched on the first token that names it (at most a
     * minute after the previous fetch, SmallRye's forced-refresh limit), and tokens of
     * the keys it already knew keep working.
     */
    @Test
    void aNewSigningKeyIsLearnedWithoutARestart() {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
        ForgedTokens known = ForgedTokens.of("tenant", "rotation@aicunet.io", Optional.of(tenant.getId()),
                Set.of("tenant-viewer"));
        assertThat(codeOf(known.control(), tenant)).as("the keys are fetched").isEqualTo(Status.Code.OK);

        ForgedTokens rotated = ForgedTokens.ofNewKey("tenant", "rotation@aicunet.io", Optional.of(tenant.getId()),
                Set.of("tenant-viewer"));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                .until(() -> codeOf(rotated.control(), tenant) == Status.Code.OK);
        assertThat(codeOf(known.control(), tenant)).as("the keys known before still verify").isEqualTo(Status.Code.OK);
    }

    private Status.Code codeOf(String token, Tenant tenant) {
        try {
            client.as(TestCallers.withToken(token, tenant.getId()))
                    .getTenant(GetTenantRequest.newBuilder().setTenantId(tenant.getId()).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }
}
