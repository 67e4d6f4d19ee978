package io.aicunet.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.AuthenticationCheck;
import io.aicunet.platform.testing.AuthenticationCheck.RestAnswer;
import io.aicunet.platform.testing.ConfigFixtures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Only verified callers write configuration: forged, flawed and missing tokens make no revision. */
@QuarkusTest
class AuthenticationTest extends ConfigTestBase {

    private final AtomicInteger attempts = new AtomicInteger();

    /**
     * Proves: writing a tenant's entry (PutEntry over gRPC, PUT /v1/config/entries/{ns}/{key}
     * over REST) with an expired, not yet valid, wrong-issuer, wrong-audience or wrongly
     * signed token, an unsigned or HS256 token, no token, identity headers without a token
     * or Basic credentials is UNAUTHENTICATED / 401 with a Bearer challenge, each counted
     * under its reason; a tenant-admin of another tenant is refused; the revision sequence
     * does not move; and the control token, flawless, does write once over each.
     */
    @Test
    void onlyVerifiedCallersWriteEntries() {
        String namespace = newNamespace();
        String tenant = aTenant();
        AuthenticationCheck check = AuthenticationCheck.of("config", service, tenant, Set.of("tenant-admin"),
                headers -> putOverGrpc(headers, namespace, tenant), headers -> putOverRest(headers, namespace, tenant));

        long before = head();
        check.assertUnverifiedCallersRefused();
        check.assertOtherTenantRefused();
        assertThat(head()).as("refused callers make no revision").isEqualTo(before);

        check.assertVerifiedCallerAccepted();
        assertThat(head()).as("the control token wrote once over each").isEqualTo(before + 2);
        AuthenticationCheck.assertRefusalsCounted(service,
                Set.of("expired", "not-yet-valid", "audience", "issuer", "signature", "algorithm", "missing",
                        "malformed"));
    }

    private Status.Code putOverGrpc(Map<String, String> headers, String namespace, String tenant) {
        try {
            client.as(headers).putEntry(ConfigFixtures.anEntry(namespace, "limits",
                    "{\"max_tokens\": " + attempts.incrementAndGet() + "}")
                    .setScope(ConfigFixtures.tenantScope(tenant)).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }

    private RestAnswer putOverRest(Map<String, String> headers, String namespace, String tenant) {
        Response response = given().headers(headers).contentType(ContentType.JSON)
                .queryParam("scope", "tenant").queryParam("tenant_id", tenant)
                .body(Map.of("value", Map.of("max_tokens", attempts.incrementAndGet()), "reason", "budget"))
                .when().put("/v1/config/entries/{namespace}/{key}", namespace, "limits");
        return new RestAnswer(response.statusCode(), response.header("WWW-Authenticate"));
    }
}
