package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.AuthenticationCheck;
import io.aicunet.platform.testing.AuthenticationCheck.RestAnswer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Only verified callers append to the audit log: forged, flawed and missing tokens append nothing. */
@QuarkusTest
class AuthenticationTest {

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: appending a record (Append over gRPC, POST /v1/audit/tenants/{id}/records
     * over REST) with an expired, not yet valid, wrong-issuer, wrong-audience or wrongly
     * signed token, an unsigned or HS256 token, no token, identity headers without a token
     * or Basic credentials is UNAUTHENTICATED / 401 with a Bearer challenge, each counted
     * under its reason; a tenant service of another tenant is refused; the tenant's log
     * stays empty; and the control token, flawless, does append one record over each.
     */
    @Test
    void onlyVerifiedCallersAppend() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            AuthenticationCheck check = AuthenticationCheck.of("audit", service, tenant, Set.of("tenant-service"),
                    headers -> appendOverGrpc(client, headers, tenant), headers -> appendOverRest(headers, tenant));

            check.assertUnverifiedCallersRefused();
            check.assertOtherTenantRefused();
            assertThat(records(client, tenant)).as("refused callers append nothing").isZero();

            check.assertVerifiedCallerAccepted();
            assertThat(records(client, tenant)).as("the control token appended one record over each").isEqualTo(2);
            AuthenticationCheck.assertRefusalsCounted(service,
                    Set.of("expired", "not-yet-valid", "audience", "issuer", "signature", "algorithm", "missing",
                            "malformed"));
        }
    }

    private static Status.Code appendOverGrpc(AuditGrpcClient client, Map<String, String> headers, String tenant) {
        try {
            client.as(headers).append(AuditFixtures.anAppend(tenant, 1).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException refused) {
            return refused.getStatus().getCode();
        }
    }

    private RestAnswer appendOverRest(Map<String, String> headers, String tenant) {
        Map<String, Object> record = Map.of("record_id", UUID.randomUUID().toString(), "actor", "alice@example.com",
                "action", "ledger.transfers.post", "resource", "transfer/1", "outcome", "success");
        Response response = given().headers(headers).contentType("application/json")
                .body(Map.of("records", List.of(record)))
                .when().post(service + "v1/audit/tenants/" + tenant + "/records");
        return new RestAnswer(response.statusCode(), response.header("WWW-Authenticate"));
    }

    /** The records of the tenant's log, as a platform auditor lists them. */
    private static int records(AuditGrpcClient client, String tenant) {
        return client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(100)
                .build()).getRecordsCount();
    }
}
