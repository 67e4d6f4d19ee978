package io.aicunet.tenant;

import io.aicunet.platform.privacy.DataClass;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.google.rpc.BadRequest;
import com.google.rpc.ResourceInfo;
import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.ListTenantsRequest;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.SuspendTenantRequest;
import io.aicunet.contracts.tenant.v1.Tier;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.tenant.domain.TenantRules;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every malformed request gets a precise error naming the field (gRPC INVALID_ARGUMENT
 * with BadRequest details; REST application/problem+json with an errors list) and
 * changes nothing.
 */
@QuarkusTest
class TenantBadInputTest extends GrpcTestBase {


    static List<Arguments> badCreateRequests() {
        return List.of(
                bad("empty slug", b -> b.setSlug(""), "slug"),
                bad("too long slug", b -> b.setSlug("a".repeat(64)), "slug"),
                bad("upper-case slug", b -> b.setSlug("Acme-Corp"), "slug"),
                bad("unknown region", b -> b.setRegion("mars-north-1"), "region"),
                bad("no tier", b -> b.setTier(Tier.TIER_UNSPECIFIED), "tier"),
                bad("blank display name", b -> b.setDisplayName("   "), "display_name"),
                bad("no idempotency key", b -> b.setIdempotencyKey(""), "idempotency_key"),
                bad("negative quota", b -> b.setQuotas(Quotas.newBuilder().setTokensPerDay(-1)),
                        "quotas.tokens_per_day"),
                bad("absurd quota", b -> b.setQuotas(Quotas.newBuilder().setStorageBytes(Long.MAX_VALUE)),
                        "quotas.storage_bytes"),
                bad("rate beyond any tier", b -> b.setQuotas(Quotas.newBuilder().setRequestsPerMinute(
                        TenantRules.REQUESTS_PER_MINUTE_MAX + 1)), "quotas.requests_per_minute"),
                bad("unknown data class", b -> b.addRetention(
                        RetentionPeriod.newBuilder().setDataClass("secrets").setDays(5)), "retention[0].data_class"),
                bad("zero retention", b -> b.addRetention(
                        RetentionPeriod.newBuilder().setDataClass("personal").setDays(0)), "retention[0].days"));
    }

    private static Arguments bad(String name, UnaryOperator<CreateTenantRequest.Builder> change, String field) {
        return Arguments.of(name, change, field);
    }

    /** Proves: each bad create request is INVALID_ARGUMENT naming exactly the bad field, and stores nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badCreateRequests")
    void badCreateIsInvalidArgument(String name, UnaryOperator<CreateTenantRequest.Builder> change, String field)
            throws Exception {
        long before = tenantCount();
        CreateTenantRequest request = change.apply(TenantFixtures.aTenant()).build();

        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().createTenant(request));

        assertThat(GrpcCalls.codeOf(failure)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        BadRequest details = GrpcCalls.statusOf(failure).getDetails(0).unpack(BadRequest.class);
        assertThat(details.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactly(field);
        assertThat(tenantCount()).isEqualTo(before);
    }

    /** Proves: without the tenant header the call is refused, naming the header. */
    @Test
    void missingTenantHeaderIsInvalidArgument() {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.as(TestCallers.headers(null, "ops", Set.of("platform-admin")))
                        .createTenant(TenantFixtures.aTenant().build()));

        assertThat(GrpcCalls.codeOf(failure)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(failure.getStatus().getDescription()).contains("x-aicunet-tenant");
    }

    /** Proves: an unknown tenant is NOT_FOUND with the resource named; a malformed id is INVALID_ARGUMENT. */
    @Test
    void unknownAndMalformedTenantIds() throws Exception {
        String unknown = UUID.randomUUID().toString();
        StatusRuntimeException notFound = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().getTenant(GetTenantRequest.newBuilder().setTenantId(unknown).build()));
        assertThat(GrpcCalls.codeOf(notFound)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcCalls.statusOf(notFound).getDetails(0).unpack(ResourceInfo.class).getResourceName())
                .isEqualTo(unknown);

        StatusRuntimeException malformed = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().suspendTenant(SuspendTenantRequest.newBuilder()
                        .setTenantId("not-a-uuid").setReason("r").build()));
        assertThat(GrpcCalls.codeOf(malformed)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.statusOf(malformed).getDetails(0).unpack(BadRequest.class)
                .getFieldViolations(0).getField()).isEqualTo("tenant_id");
    }

    /** Proves: a page size over the maximum and a forged page token are refused. */
    @Test
    void badPagingIsInvalidArgument() throws Exception {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().listTenants(ListTenantsRequest.newBuilder()
                        .setPageSize(101).setPageToken("!!!").build()));
        assertThat(GrpcCalls.codeOf(failure)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.statusOf(failure).getDetails(0).unpack(BadRequest.class)
                .getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactly("page_size", "page_token");
    }

    /** Proves: over REST, a bad create is 400 application/problem+json naming each field, and stores nothing. */
    @Test
    void restBadCreateIsProblemJson() throws Exception {
        long before = tenantCount();
        given().headers(TestCallers.platformAdmin())
                .header("Idempotency-Key", "rest-" + UUID.randomUUID())
                .contentType("application/json")
                .body(Map.of("slug", "X", "display_name", "Acme", "region", "mars-north-1", "tier", "gold"))
                .when().post("/v1/tenants")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", startsWith("https://aicunet.io/problems/invalid-argument"))
                .body("errors.field", hasItem("slug"))
                .body("errors.field", hasItem("region"))
                .body("errors.field", hasItem("tier"));
        assertThat(tenantCount()).isEqualTo(before);
    }

    /** Proves: over REST, a platform user's valid token without a tenant header is 400 problem+json naming the header. */
    @Test
    void restMissingTenantHeaderIsProblemJson() {
        given().headers(TestCallers.headers(null, "ops", Set.of("platform-admin")))
                .when().get("/v1/tenants")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("x-aicunet-tenant"));
    }

    private static long tenantCount() throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                Statement statement = db.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM tenant.tenants")) {
            row.next();
            return row.getLong(1);
        }
    }
}
