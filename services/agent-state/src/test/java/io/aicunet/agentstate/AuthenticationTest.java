package io.aicunet.agentstate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.AuthenticationCheck;
import io.aicunet.platform.testing.AuthenticationCheck.RestAnswer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Only verified callers register agents: forged, flawed and missing tokens change nothing. */
@QuarkusTest
class AuthenticationTest extends GrpcTestBase {

    /**
     * Proves: registering an agent (RegisterAgent over gRPC, POST /v1/agents over REST)
     * with an expired, not yet valid, wrong-issuer, wrong-audience or wrongly signed token,
     * an unsigned or HS256 token, no token, identity headers without a token or Basic
     * credentials is UNAUTHENTICATED / 401 with a Bearer challenge, each counted under its
     * reason; an agent runtime of another tenant is refused; the tenant has no agent
     * afterwards; and the control token, flawless, does register one over each.
     */
    @Test
    void onlyVerifiedCallersRegisterAgents() throws Exception {
        AuthenticationCheck check = AuthenticationCheck.of("agent-state", service, tenant, Set.of("agent-runtime"),
                this::registerOverGrpc, AuthenticationTest::registerOverRest);

        check.assertUnverifiedCallersRefused();
        check.assertOtherTenantRefused();
        assertThat(AgentLifecycleTest.countAgents(tenant)).as("refused callers register nothing").isZero();

        check.assertVerifiedCallerAccepted();
        assertThat(AgentLifecycleTest.countAgents(tenant)).as("the control token registered one agent over each")
                .isEqualTo(2);
        AuthenticationCheck.assertRefusalsCounted(service,
                Set.of("expired", "not-yet-valid", "audience", "issuer", "signature", "algorithm", "missing",
                        "malformed"));
    }

    private Status.Code registerOverGrpc(Map<String, String> headers) {
        try {
            client.as(headers).registerAgent(AgentStateFixtures.anAgent().build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }

    private static RestAnswer registerOverRest(Map<String, String> headers) {
        Response response = given().headers(headers).header("Idempotency-Key", "register-" + UUID.randomUUID())
                .contentType("application/json").body(Map.of("kind", "research-assistant"))
                .when().post("/v1/agents");
        return new RestAnswer(response.statusCode(), response.header("WWW-Authenticate"));
    }
}
