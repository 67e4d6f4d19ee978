package io.aicunet.tenant;

import static io.aicunet.platform.testing.HostileValues.BROKEN;
import static io.aicunet.platform.testing.HostileValues.GENERATED;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.ReactivateTenantRequest;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.SuspendTenantRequest;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.HostileValues;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.tenant.domain.TenantRules;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves: hostile but well-formed values at every write rpc of the tenant service
 * (CreateTenant, UpdateTenant, SuspendTenant, ReactivateTenant, CreatePrivacyRequest) are
 * refused as field violations, never INTERNAL, UNKNOWN, DATA_LOSS or UNAVAILABLE, and a
 * refusal changes nothing: no tenant or privacy request is created, the existing tenant
 * keeps its version, settings and status. The values are NUL and the other control
 * characters (also at either end of a text, where trim() would drop them), overlong texts,
 * non-UUID ids, numbers at and beyond their ranges, enum values the contract does not
 * have, and 1,000 retention entries; over REST, the same as JSON escapes ({@code \u0000},
 * a lone surrogate {@code \ud800}), {@code 1e999999} and integers beyond 64 bits where
 * numbers are read, and bytes that are not UTF-8: never a 5xx. Values are the issue's
 * cases plus a bounded number (40) of generated ones from a fixed seed, so a failure is
 * reproducible. (A lone surrogate cannot travel in a protobuf string from a Java client,
 * which sends it as '?', so over gRPC the texts hold none; REST carries it.)
 */
@QuarkusTest
class HostileValuesTest extends GrpcTestBase {

    private static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));

    /** Tenants and privacy requests, all of them: a refusal adds to neither. */
    private static final String ROWS =
            "SELECT (SELECT count(*) FROM tenant.tenants) + (SELECT count(*) FROM tenant.privacy_requests)";

    private Tenant tenant;

    @BeforeEach
    void registerOneTenant() {
        tenant = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().build()).getTenant();
    }

    @Test
    void hostileTextIsRefusedWithoutChange() throws Exception {
        for (String text : hostileTexts()) {
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setDisplayName(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setIdempotencyKey(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setSlug(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setRegion(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .addRetention(RetentionPeriod.newBuilder().setDataClass(text).setDays(30)).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).setDisplayName(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(text).setDisplayName("Renamed").build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().suspendTenant(SuspendTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).setReason(text).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().suspendTenant(SuspendTenantRequest.newBuilder()
                    .setTenantId(text).setReason("hostile test").build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().reactivateTenant(ReactivateTenantRequest
                    .newBuilder().setTenantId(text).build()));
            refusedWithoutChange(() -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(anExport()
                    .setSubjectId(text).build()));
            refusedWithoutChange(() -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(anExport()
                    .setIdempotencyKey(text).build()));
            refusedWithoutChange(() -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(anExport()
                    .setTenantId(text).build()));
        }
        assertUnchanged();
    }

    @Test
    void hostileNumbersAndEnumsAreRefusedWithoutChange() throws Exception {
        List<Long> quotas = new ArrayList<>(List.of(Long.MIN_VALUE, -1L, Long.MIN_VALUE + 1, Long.MAX_VALUE,
                TenantRules.TOKENS_PER_DAY_MAX + 1, TenantRules.STORAGE_BYTES_MAX + 1));
        List<Integer> days = new ArrayList<>(List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1_000_000));
        Random random = new Random(14);
        for (int i = 0; i < GENERATED; i++) {
            quotas.add(Long.MIN_VALUE + (random.nextLong() & Long.MAX_VALUE));
            quotas.add(TenantRules.STORAGE_BYTES_MAX + 1 + (random.nextLong() & (Long.MAX_VALUE >> 1)));
            days.add(random.nextBoolean() ? Integer.MIN_VALUE + random.nextInt(Integer.MAX_VALUE)
                    : 1_000_000 + random.nextInt(Integer.MAX_VALUE - 1_000_000));
        }
        for (long quota : quotas) {
            Quotas hostile = Quotas.newBuilder().setRequestsPerMinute(1).setTokensPerDay(quota).setStorageBytes(quota)
                    .build();
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setQuotas(hostile).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).setQuotas(hostile).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).setExpectedVersion(Math.min(quota, 0)).setDisplayName("Renamed")
                    .build()));
        }
        for (int period : days) {
            RetentionPeriod hostile = RetentionPeriod.newBuilder().setDataClass("personal").setDays(period).build();
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .addRetention(hostile).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).addRetention(hostile).build()));
        }
        for (int unknown : List.of(4, 99, -1, Integer.MAX_VALUE, Integer.MIN_VALUE)) {
            refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant()
                    .setTierValue(unknown).build()));
            refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                    .setTenantId(tenant.getId()).setTierValue(unknown).build()));
            refusedWithoutChange(() -> client.privacyAs(PRIVACY_OFFICER).createPrivacyRequest(anExport()
                    .setKindValue(unknown).build()));
        }
        // 1,000 retention entries: every one a violation, and the answer's details stay bounded.
        CreateTenantRequest.Builder crowded = TenantFixtures.aTenant();
        UpdateTenantRequest.Builder crowdedUpdate = UpdateTenantRequest.newBuilder().setTenantId(tenant.getId());
        for (int i = 0; i < 1_000; i++) {
            RetentionPeriod period = RetentionPeriod.newBuilder().setDataClass("class-" + i).setDays(-i).build();
            crowded.addRetention(period);
            crowdedUpdate.addRetention(period);
        }
        refusedWithoutChange(() -> client.asPlatformAdmin().createTenant(crowded.build()));
        refusedWithoutChange(() -> client.asPlatformAdmin().updateTenant(crowdedUpdate.build()));
        assertUnchanged();
    }

    /**
     * Proves: the largest quotas the contract allows are taken as they are and read back
     * exactly, one more of each is refused naming its field; a version never reached is a
     * conflict.
     */
    @Test
    void largestNumbersAreStoredExactly() {
        Quotas largest = Quotas.newBuilder().setRequestsPerMinute(TenantRules.REQUESTS_PER_MINUTE_MAX)
                .setTokensPerDay(TenantRules.TOKENS_PER_DAY_MAX).setStorageBytes(TenantRules.STORAGE_BYTES_MAX).build();
        Tenant created = client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().setQuotas(largest).build())
                .getTenant();
        assertThat(read(created.getId()).getQuotas()).isEqualTo(largest);
        Map<String, Quotas> overBy1 = Map.of(
                "quotas.requests_per_minute", largest.toBuilder().setRequestsPerMinute(
                        TenantRules.REQUESTS_PER_MINUTE_MAX + 1).build(),
                "quotas.tokens_per_day", largest.toBuilder().setTokensPerDay(TenantRules.TOKENS_PER_DAY_MAX + 1).build(),
                "quotas.storage_bytes", largest.toBuilder().setStorageBytes(TenantRules.STORAGE_BYTES_MAX + 1).build());
        overBy1.forEach((field, quotas) -> {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.asPlatformAdmin().createTenant(TenantFixtures.aTenant().setQuotas(quotas).build()));
            assertThat(GrpcCalls.codeOf(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(GrpcCalls.violatedFields(refused)).containsExactly(field);
        });

        StatusRuntimeException conflict = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.asPlatformAdmin().updateTenant(UpdateTenantRequest.newBuilder()
                        .setTenantId(tenant.getId()).setExpectedVersion(Long.MAX_VALUE).setDisplayName("Renamed")
                        .build()));
        assertThat(conflict).isNotNull();
        assertThat(conflict.getStatus().getCode()).as(conflict.getStatus().toString()).isNotIn(BROKEN);
        assertThat(read(tenant.getId())).isEqualTo(tenant);
    }

    @Test
    void hostileRestBodiesAreRefusedWithoutChange() throws Exception {
        String slug = "\"acme-" + UUID.randomUUID().toString().substring(0, 8) + "\"";
        List<String> strings = List.of("\"a\\u0000b\"", "\"\\u0000\"", "\"\\ud800\"", "\"x\\udc00\"",
                "\"\\udbff\"", "\"bell\\u0007\"", "\"c1\\u0085\"", "\"" + "x".repeat(10_000) + "\"");
        List<String> numbers = List.of("1e999999", "-1e999999", "1e-999999", "99999999999999999999999",
                "-9223372036854775809", "1.5", "NaN", "Infinity");
        for (String string : strings) {
            restRefusedWithoutChange("POST", "/v1/tenants", "{\"slug\":" + slug + ",\"display_name\":" + string
                    + ",\"region\":\"eu-central-1\",\"tier\":\"standard\"}");
            restRefusedWithoutChange("POST", "/v1/tenants", "{\"slug\":" + string
                    + ",\"display_name\":\"Acme\",\"region\":\"eu-central-1\",\"tier\":\"standard\"}");
            restRefusedWithoutChange("POST", "/v1/tenants", "{\"slug\":" + slug
                    + ",\"display_name\":\"Acme\",\"region\":\"eu-central-1\",\"tier\":" + string + "}");
            restRefusedWithoutChange("POST", "/v1/tenants", "{\"slug\":" + slug
                    + ",\"display_name\":\"Acme\",\"region\":\"eu-central-1\",\"tier\":\"standard\","
                    + "\"retention\":[{\"data_class\":" + string + ",\"days\":30}]}");
            restRefusedWithoutChange("PATCH", "/v1/tenants/" + tenant.getId(), "{\"display_name\":" + string + "}");
            restRefusedWithoutChange("POST", "/v1/tenants/" + tenant.getId() + "/suspension",
                    "{\"reason\":" + string + "}");
        }
        for (String number : numbers) {
            restRefusedWithoutChange("POST", "/v1/tenants", "{\"slug\":" + slug
                    + ",\"display_name\":\"Acme\",\"region\":\"eu-central-1\",\"tier\":\"standard\","
                    + "\"quotas\":{\"requests_per_minute\":" + number + ",\"tokens_per_day\":1,\"storage_bytes\":1}}");
            restRefusedWithoutChange("PATCH", "/v1/tenants/" + tenant.getId(),
                    "{\"retention\":[{\"data_class\":\"personal\",\"days\":" + number + "}]}");
            restRefusedWithoutChange("PATCH", "/v1/tenants/" + tenant.getId(),
                    "{\"expected_version\":" + number + ",\"display_name\":\"Renamed\"}");
        }
        restRefusedWithoutChange("PATCH", "/v1/tenants/" + tenant.getId(),
                "[".repeat(5_000) + "]".repeat(5_000));
        // Bytes that are not UTF-8: a surrogate encoded on its own (CESU-8), and 0xFF.
        for (byte[] invalid : List.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF})) {
            byte[] body = concat("{\"reason\":\"x".getBytes(StandardCharsets.UTF_8), invalid,
                    "\"}".getBytes(StandardCharsets.UTF_8));
            restRefusedWithoutChange("POST", "/v1/tenants/" + tenant.getId() + "/suspension", body);
        }
        assertUnchanged();
    }

    /** A call that must be refused as a field violation (or a conflict), creating nothing and changing nothing. */
    private void refusedWithoutChange(Supplier<?> call) throws Exception {
        long rowsBefore = count(ROWS);
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(failure).as("a hostile value must be refused").isNotNull();
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString())
                .isNotIn(BROKEN).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(count(ROWS)).as("a refused request creates no tenant and starts no privacy request")
                .isEqualTo(rowsBefore);
    }

    private void restRefusedWithoutChange(String method, String path, String body) throws Exception {
        restRefusedWithoutChange(method, path, body.getBytes(StandardCharsets.UTF_8));
    }

    private void restRefusedWithoutChange(String method, String path, byte[] body) throws Exception {
        long rowsBefore = count(ROWS);
        String abbreviated = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        int status = given().headers(TestCallers.platformAdmin())
                .header("Idempotency-Key", "hostile-" + UUID.randomUUID())
                .contentType("application/json").body(body)
                .when().request(method, path)
                .then().extract().statusCode();
        assertThat(status).as("%s %s %s", method, path, abbreviated).isBetween(400, 499);
        assertThat(count(ROWS)).as("a refused request creates no tenant").isEqualTo(rowsBefore);
    }

    private CreatePrivacyRequestRequest.Builder anExport() {
        return CreatePrivacyRequestRequest.newBuilder().setIdempotencyKey("export-" + UUID.randomUUID())
                .setTenantId(tenant.getId()).setKind(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT)
                .setSubjectId("user-1");
    }

    /** The texts and generated ones: each has a control character somewhere, or is overlong. */
    private static List<String> hostileTexts() {
        return HostileValues.texts(41, 500, "", "a\u0000b", "\u0000", "\u0000user-1", "user-1\u0000",
                "\u001Fuser", "line\nbreak", "tab\there", "bell\u0007", "del\u007F", "c1\u0085", "x".repeat(10_000));
    }

    private Tenant read(String id) {
        return client.asPlatformAdmin().getTenant(GetTenantRequest.newBuilder().setTenantId(id).build()).getTenant();
    }

    private void assertUnchanged() throws Exception {
        assertThat(read(tenant.getId())).as("the tenant after every refusal").isEqualTo(tenant);
        assertThat(count("SELECT count(*) FROM tenant.privacy_requests WHERE tenant_id = '" + tenant.getId()
                + "'::uuid")).isZero();
    }

    private static long count(String sql) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = db.prepareStatement(sql);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
