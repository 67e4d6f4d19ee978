package io.aicunet.tenant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.platform.testing.AuthenticationCheck;
import io.aicunet.platform.testing.AuthenticationCheck.RestAnswer;
import io.aicunet.platform.testing.TenantFixtures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Only verified callers act on the tenant service: forged, flawed and missing tokens change nothing. */
@QuarkusTest
class AuthenticationTest extends GrpcTestBase {

    private final AtomicInteger attempts = new AtomicInteger();

    /**
     * Proves: renaming a tenant (UpdateTenant over gRPC, PATCH /v1/tenants/{id} over REST)
     * with an expired, not yet valid, wrong-issuer, wrong-audience or wrongly signed token,
     * an unsigned or HS256 token, no token, identity headers without a token or Basic
     * credentials is UNAUTHENTICATED / 401 with a Bearer challenge, each counted under its
     * reason; a tenant-admin of another tenant is refused; the tenant stays at its version;
     * and the control token, flawless, does rename it over both.
     */
    @Test
    void onlyVerifiedCallersRenameATenant() {
        Tenant tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
        AuthenticationCheck check = AuthenticationCheck.of("tenant", service, tenant.getId(), Set.of("tenant-admin"),
                headers -> renameOverGrpc(headers, tenant.getId()), headers -> renameOverRest(headers, tenant.getId()));

        check.assertUnverifiedCallersRefused();
        check.assertOtherTenantRefused();
        Tenant unchanged = current(tenant.getId());
        assertThat(unchanged.getVersion()).as("refused callers change nothing").isEqualTo(tenant.getVersion());
        assertThat(unchanged.getDisplayName()).isEqualTo(tenant.getDisplayName());

        check.assertVerifiedCallerAccepted();
        assertThat(current(tenant.getId()).getVersion()).as("the control token renamed it twice")
                .isEqualTo(tenant.getVersion() + 2);
        AuthenticationCheck.assertRefusalsCounted(service,
                Set.of("expired", "not-yet-valid", "audience", "issuer", "signature", "algorithm", "missing",
                        "malformed"));
    }

    private Status.Code renameOverGrpc(Map<String, String> headers, String tenantId) {
        try {
            client.as(headers).updateTenant(UpdateTenantRequest.newBuilder().setTenantId(tenantId)
                    .setDisplayName("Renamed " + attempts.incrementAndGet()).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }

    private RestAnswer renameOverRest(Map<String, String> headers, String tenantId) {
        Response response = given().headers(headers).contentType("application/json")
                .body(Map.of("display_name", "Renamed " + attempts.incrementAndGet()))
                .when().patch("/v1/tenants/{id}", tenantId);
        return new RestAnswer(response.statusCode(), response.header("WWW-Authenticate"));
    }

    private Tenant current(String tenantId) {
        return client.asPlatformAdmin().getTenant(GetTenantRequest.newBuilder().setTenantId(tenantId).build())
                .getTenant();
    }
}
