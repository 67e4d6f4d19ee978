package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.ExportRecordsRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bad input and attempts on another tenant's log: refused with a precise error, nothing changed. */
@QuarkusTest
class AuditBadInputTest {

    @TestHTTPResource(tls = true)
    URL service;

    private static List<String> fields(StatusRuntimeException failure) throws Exception {
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        for (Any detail : GrpcCalls.statusOf(failure).getDetailsList()) {
            if (detail.is(BadRequest.class)) {
                return detail.unpack(BadRequest.class).getFieldViolationsList().stream()
                        .map(BadRequest.FieldViolation::getField).toList();
            }
        }
        throw new AssertionError("no BadRequest detail");
    }

    private static int count(AuditGrpcClient client, String tenant) {
        return client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).build())
                .getRecordsCount();
    }

    /** Proves: missing fields, an oversized record and a bad record id are each named, and nothing of the batch is appended. */
    @Test
    void badRecordsAreNamedAndNothingIsAppended() throws Exception {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            AppendRequest request = AppendRequest.newBuilder().setTenantId(tenant)
                    .addRecords(AuditFixtures.aRecord())
                    .addRecords(AuditFixtures.aRecord().clearActor().clearOutcome())
                    .addRecords(AuditFixtures.aRecord().setDetails(ByteString.copyFrom(new byte[16_385])))
                    .addRecords(AuditFixtures.aRecord().setRecordId("not-a-uuid").setReason("x".repeat(2001)))
                    .build();
            StatusRuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> client.asService().append(request));
            assertThat(fields(failure)).containsExactlyInAnyOrder("records[1].actor", "records[1].outcome",
                    "records[2].details", "records[3].record_id", "records[3].reason");
            assertThat(count(client, tenant)).isZero();
        }
    }

    /** Proves: an empty batch, an oversized batch and a malformed tenant id are refused with their field. */
    @Test
    void batchLimitsAreEnforced() throws Exception {
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            StatusRuntimeException empty = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> client.asService().append(AppendRequest.newBuilder()
                            .setTenantId(UUID.randomUUID().toString()).build()));
            assertThat(fields(empty)).containsExactly("records");
            StatusRuntimeException tooMany = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> client.asService().append(AuditFixtures.anAppend(UUID.randomUUID().toString(), 1001).build()));
            assertThat(fields(tooMany)).containsExactly("records");
            StatusRuntimeException badTenant = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> client.asService().append(AuditFixtures.anAppend("acme", 1).build()));
            assertThat(fields(badTenant)).containsExactly("tenant_id");
        }
    }

    /**
     * Proves: a tenant's auditor may not read, export or verify another tenant's log; a
     * tenant's service may not append to another tenant's; a tenant admin without the
     * audit permission reads nothing; and appending services read nothing.
     */
    @Test
    void anotherTenantsLogIsOutOfReach() {
        String tenantA = UUID.randomUUID().toString();
        String tenantB = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenantB, 2).build());
            Map<String, String> auditorOfA = TestCallers.ofTenant(tenantA, "tenant-auditor");
            assertThatThrownBy(() -> client.as(auditorOfA).queryRecords(QueryRecordsRequest.newBuilder()
                    .setTenantId(tenantB).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> client.as(auditorOfA).exportRecords(ExportRecordsRequest.newBuilder()
                    .setTenantId(tenantB).build()).hasNext())
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> client.as(TestCallers.ofTenant(tenantA, "tenant-service"))
                    .append(AuditFixtures.anAppend(tenantB, 1).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> client.as(TestCallers.ofTenant(tenantB, "tenant-admin"))
                    .queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenantB).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> client.asService()
                    .queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenantB).build()))
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            // Its own auditor reads it; the refused append added nothing.
            assertThat(client.as(TestCallers.ofTenant(tenantB, "tenant-auditor")).queryRecords(
                    QueryRecordsRequest.newBuilder().setTenantId(tenantB).build()).getRecordsCount()).isEqualTo(2);
        }
    }

    /** Proves: REST answers problem+json naming the field for a missing field, and 403 for another tenant's range. */
    @Test
    void restNamesTheField() {
        String tenant = UUID.randomUUID().toString();
        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{\"action\":\"x.y.z\",\"resource\":\"r\",\"outcome\":\"success\"}]}")
                .post(service + "v1/audit/tenants/" + tenant + "/records")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("records[0].actor"));
        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{\"actor\":\"a\",\"action\":\"x.y.z\",\"resource\":\"r\",\"outcome\":\"success\"}]}")
                .post(service + "v1/audit/tenants/" + tenant + "/records")
                .then().statusCode(200).body("[0].sequence", equalTo(1));
        given().headers(TestCallers.ofTenant(UUID.randomUUID().toString(), "tenant-auditor"))
                .get(service + "v1/audit/tenants/" + tenant + "/records")
                .then().statusCode(403).contentType("application/problem+json");
        given().headers(AuditFixtures.platformAuditor())
                .get(service + "v1/audit/tenants/" + tenant + "/records?page_size=501")
                .then().statusCode(400).body("errors.field", hasItem("page_size"));
    }

    /**
     * Proves the rules the OpenAPI document states hold over REST: a text's length counts
     * characters (200 emoji are a valid actor, 201 are not), an optional text that is only
     * white space still may not hold a line break, a query filter with a control character
     * is a field violation (not a database error), an unknown or empty query parameter and
     * an unknown key format are refused, and legal-hold answers the reason it kept.
     */
    @Test
    void restRulesMatchTheDocument() {
        String tenant = UUID.randomUUID().toString();
        String records = service + "v1/audit/tenants/" + tenant + "/records";
        String emoji = "\uD83D\uDE00";
        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{\"actor\":\"" + emoji.repeat(200) + "\",\"action\":\"a\",\"resource\":\"r\","
                        + "\"outcome\":\"success\"}]}")
                .post(records).then().statusCode(200);
        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{\"actor\":\"" + emoji.repeat(201) + "\",\"action\":\"a\",\"resource\":\"r\","
                        + "\"outcome\":\"success\"}]}")
                .post(records).then().statusCode(400).body("errors.field", hasItem("records[0].actor"));
        given().headers(AuditFixtures.platformService()).contentType("application/json")
                .body("{\"records\":[{\"actor\":\"a\",\"action\":\"a\",\"resource\":\"r\",\"outcome\":\"success\","
                        + "\"reason\":\" \\n \"}]}")
                .post(records).then().statusCode(400).body("errors.field", hasItem("records[0].reason"));
        given().headers(AuditFixtures.platformAuditor()).urlEncodingEnabled(false).get(records + "?actor=a%00b")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("actor"));
        given().headers(AuditFixtures.platformAuditor()).get(records + "?actors=a")
                .then().statusCode(400).body("errors.field", hasItem("actors"));
        given().headers(AuditFixtures.platformAuditor()).get(records + "?actor=")
                .then().statusCode(400).body("errors.field", hasItem("actor"));
        given().headers(AuditFixtures.platformAuditor()).get(records + "?page_size=ten")
                .then().statusCode(400).body("errors.field", hasItem("page_size"));
        given().get(service + "v1/audit/keys?format=xml").then().statusCode(400).body("errors.field", hasItem("format"));
        given().headers(AuditFixtures.platformCompliance()).contentType("application/json")
                .body("{\"held\":true,\"reason\":\"  case 14 \"}")
                .put(service + "v1/audit/tenants/" + tenant + "/legal-hold")
                .then().statusCode(200).body("held", equalTo(true)).body("reason", equalTo("case 14"));
        given().headers(AuditFixtures.platformCompliance()).contentType("application/json").body("{\"held\":false}")
                .put(service + "v1/audit/tenants/" + tenant + "/legal-hold")
                .then().statusCode(200).body("held", equalTo(false)).body("reason", equalTo(""));
    }
}
