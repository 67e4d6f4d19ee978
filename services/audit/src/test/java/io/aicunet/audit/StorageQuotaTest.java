package io.aicunet.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.ByteString;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.platform.outbox.EventTopics;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.StorageQuotaChecks;
import io.aicunet.platform.testing.PrivacyRequests;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Storage quotas in audit: the detail bytes of a tenant's log (the reference and the
 * sealed ciphertext) count against its storage_bytes quota (platform/limits
 * StorageQuota). Direct appends past it are refused; ingested events are facts, logged
 * all the same.
 */
@QuarkusTest
class StorageQuotaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TestHTTPResource(tls = true)
    URL service;

    @Inject
    MeterRegistry meters;

    /**
     * Proves: a tenant fills its log's detail bytes to exactly its quota (its own
     * TenantCreated event, ingested first, included) and each append passes; one more
     * record is RESOURCE_EXHAUSTED over gRPC and 429 over REST, naming the quota, the
     * bound and the current use, and appends nothing; a record that would end one byte
     * past the quota is refused with the use before it. Erasing the records' subject
     * (their sealed details are redacted) frees those bytes, so a record fits again, and
     * the count always equals what the tenant's rows hold.
     */
    @Test
    void exactlyTheQuotaThenRefusedUntilAnErasureFreesRoom() throws Exception {
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            Map<Integer, Long> sizes = recordSizes(client);
            int smallest = SIZES_FROM;

            String tenant = aTenantWithStorageQuota(QUOTA);
            settled(client, tenant);
            fillTo(client, tenant, sizes, QUOTA);
            assertThat(storedBytes(tenant)).as("exactly the quota").isEqualTo(QUOTA);
            long appended = records(client, tenant);

            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.asService().append(record(tenant, "ann", smallest)));
            assertRefused(refused, QUOTA, QUOTA);
            given().headers(AuditFixtures.platformService()).contentType("application/json")
                    .body(Map.of("records", List.of(Map.of("actor", "ann", "action", "a.b", "resource", "r/1",
                            "outcome", "success", "details", Base64.getEncoder().encodeToString(
                                    "x".repeat(smallest).getBytes(StandardCharsets.UTF_8))))))
                    .post(service + "v1/audit/tenants/" + tenant + "/records")
                    .then().statusCode(429)
                    .body("limit", equalTo("tenant.quotas.storage_bytes"))
                    .body("bound", equalTo((int) QUOTA))
                    .body("current", equalTo((int) QUOTA));
            assertThat(records(client, tenant)).as("nothing appended").isEqualTo(appended);
            assertThat(storedBytes(tenant)).isEqualTo(QUOTA);

            String tighter = aTenantWithStorageQuota(QUOTA);
            settled(client, tighter);
            long before = QUOTA + 1 - sizes.get(smallest);
            fillTo(client, tighter, sizes, before);
            // A fact may still land after the fill (the tenant service's record of a key read
            // that the appends caused, about 160 bytes): it counts too, so the refusal names
            // the use as it is then, at least what the fill stored.
            long filled = storedBytes(tighter);
            assertThat(filled).isGreaterThanOrEqualTo(before);
            assertRefused(catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.asService().append(record(tighter, "ann", smallest))), QUOTA, filled);

            PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "ann");
            assertThat(storedBytes(tenant)).as("the redacted ciphertexts are freed").isLessThan(QUOTA - 100);
            client.asService().append(record(tenant, "bob", smallest));
            long[] countAndRows = countAndRowBytes(tenant);
            assertThat(countAndRows[0]).as("the count is what the rows hold").isEqualTo(countAndRows[1]);
        }
    }

    /**
     * Proves: events of a tenant past its quota (of 1 byte) are ingested all the same
     * (facts: its own TenantCreated, then a transfer), counted in its use and in
     * aicunet.storage.facts.over.quota, while a direct append for that tenant is refused.
     */
    @Test
    void eventsOfATenantOverItsQuotaAreLoggedAndCounted() throws Exception {
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            String tenant = aTenantWithStorageQuota(1);
            assertThat(settled(client, tenant)).as("its own TenantCreated already passes the quota").isGreaterThan(1);
            double overBefore = meters.counter("aicunet.storage.facts.over.quota").count();
            long before = storedBytes(tenant);
            KafkaIngestTest.publish(List.of(KafkaIngestTest.event("ledger.transfers.v1",
                    "aicunet.ledger.v1.TransferPosted", "/aicunet/ledger", new TenantId(UUID.fromString(tenant)),
                    "a transfer of a tenant over its quota".getBytes(StandardCharsets.UTF_8))));
            await().atMost(WAIT).untilAsserted(() -> assertThat(records(client, tenant)).isEqualTo(2));
            assertThat(storedBytes(tenant)).as("the fact is counted").isGreaterThan(before);
            assertThat(meters.counter("aicunet.storage.facts.over.quota").count()).isGreaterThan(overBefore);

            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.asService().append(record(tenant, "ann", SIZES_FROM)));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(records(client, tenant)).isEqualTo(2);
        }
    }

    /** Details of {@code SIZES_FROM} to {@code SIZES_TO} bytes, in steps of 3, are measured. */
    private static final int SIZES_FROM = 14;
    private static final int SIZES_TO = 140;
    private static final long QUOTA = 3000;

    /**
     * What a record with n detail bytes counts (reference and ciphertext), measured on a
     * tenant of its own, from the appended row itself (a fact landing meanwhile does not
     * disturb it): sealing makes it larger than n, in steps the test does not assume.
     */
    private Map<Integer, Long> recordSizes(AuditGrpcClient client) throws Exception {
        String probe = aTenantWithStorageQuota(1_000_000);
        settled(client, probe);
        Map<Integer, Long> sizes = new TreeMap<>();
        for (int n = SIZES_FROM; n <= SIZES_TO; n += 3) {
            client.asService().append(record(probe, "probe-" + n, n));
            sizes.put(n, rowBytes(probe, "probe-" + n));
        }
        return sizes;
    }

    /** The detail bytes (reference and ciphertext) of the tenant's one record by that actor. */
    private static long rowBytes(String tenant, String actor) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("SELECT octet_length(details)"
                        + " + coalesce(octet_length(sealed_details), 0) FROM audit.audit_records"
                        + " WHERE tenant_id = ?::uuid AND actor = ?")) {
            select.setString(1, tenant);
            select.setString(2, actor);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).as("the record of %s", actor).isTrue();
                return rows.getLong(1);
            }
        }
    }

    /**
     * Appends records of the tenant until its use is exactly {@code target}, each planned
     * from the use as stored just before it: a fact that lands meanwhile (the tenant
     * service's record of a key read, which the appends themselves may cause) is counted
     * rather than overrun, and an append it made too large is planned again.
     */
    private static void fillTo(AuditGrpcClient client, String tenant, Map<Integer, Long> sizes, long target)
            throws Exception {
        for (int append = 0; append < 200; append++) {
            long use = storedBytes(tenant);
            if (use == target) {
                return;
            }
            assertThat(use).as("the use before the fill reaches %s", target).isLessThan(target);
            int next = fill(sizes, target - use).get(0);
            try {
                client.asService().append(record(tenant, "ann", next));
            } catch (StatusRuntimeException refused) {
                if (refused.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED || storedBytes(tenant) == use) {
                    throw refused;
                }
            }
        }
        throw new AssertionError("the fill of " + tenant + " did not reach " + target + " in 200 appends");
    }

    /** Detail sizes whose records count exactly {@code bytes} together (fails if none do). */
    private static List<Integer> fill(Map<Integer, Long> sizes, long bytes) {
        int target = Math.toIntExact(bytes);
        int[] last = new int[target + 1];
        java.util.Arrays.fill(last, -1);
        last[0] = 0;
        for (int sum = 1; sum <= target; sum++) {
            for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
                int rest = sum - size.getValue().intValue();
                if (rest >= 0 && last[rest] >= 0) {
                    last[sum] = size.getKey();
                    break;
                }
            }
        }
        assertThat(last[target]).as("records can make exactly %d bytes from %s", target, sizes).isPositive();
        List<Integer> plan = new ArrayList<>();
        for (int sum = target; sum > 0; sum -= sizes.get(last[sum]).intValue()) {
            plan.add(last[sum]);
        }
        return plan;
    }

    /**
     * Waits until the tenant's log holds its TenantCreated and the read of its data key that
     * sealing it caused (a TenantDataKeyRead on tenant.key-access.v1: a fact, counted against
     * the quota too, that arrives a moment later), then returns the stored bytes. From then on
     * only the test's own appends change them: the service keeps the key cached
     * (aicunet.privacy.data-key-cache-seconds, 60 s), so it reads it no more during the test.
     */
    private static long settled(AuditGrpcClient client, String tenant) throws Exception {
        await().atMost(WAIT).until(() -> records(client, tenant) == 1 && keyReads(client, tenant) >= 1);
        return storedBytes(tenant);
    }

    /** The records of the reads of the tenant's data key (tenant.key-access.v1) in its log. */
    private static long keyReads(AuditGrpcClient client, String tenant) {
        return client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(100)
                .build()).getRecordsList().stream()
                .filter(record -> record.getOrigin().endsWith(EventTopics.TENANT_KEY_ACCESS)).count();
    }

    private static AppendRequest record(String tenant, String actor, int detailsBytes) {
        return AppendRequest.newBuilder().setTenantId(tenant).addRecords(AuditFixtures.aRecord().setActor(actor)
                .setDetails(ByteString.copyFromUtf8("x".repeat(detailsBytes)))).build();
    }

    /** The tenant's count and what its rows hold in detail bytes, recomputed, in one snapshot. */
    private static long[] countAndRowBytes(String tenant) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement("SELECT (SELECT bytes FROM audit.tenant_storage"
                        + " WHERE tenant_id = ?::uuid), (SELECT coalesce(sum(octet_length(details)"
                        + " + coalesce(octet_length(sealed_details), 0)), 0) FROM audit.audit_records"
                        + " WHERE tenant_id = ?::uuid)")) {
            select.setString(1, tenant);
            select.setString(2, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    /**
     * The tenant's records but the reads of its data key (tenant.key-access.v1), which the
     * audit service's own key fetches add at times the test does not control.
     */
    private static long records(AuditGrpcClient client, String tenant) {
        return client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(100)
                .build()).getRecordsList().stream()
                .filter(record -> !record.getOrigin().endsWith(EventTopics.TENANT_KEY_ACCESS)).count();
    }

    static String aTenantWithStorageQuota(long storageBytes) {
        return StorageQuotaChecks.aTenantWithStorageQuota(storageBytes);
    }

    static long storedBytes(String tenant) throws Exception {
        return StorageQuotaChecks.storedBytes("audit", tenant);
    }

    private static void assertRefused(StatusRuntimeException refused, long quota, long current) {
        StorageQuotaChecks.assertStorageRefused(refused, "audit", quota, current);
    }
}
