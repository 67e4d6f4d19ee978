package io.aicunet.audit.application.privacy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.audit.PrivacyCalls;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.SetLegalHoldRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestCompleted;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.contracts.privacy.v1.TenantDataKeyDestroyed;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.SealedDetails;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The audit service's part of privacy requests, driven through the real tenant service:
 * export with details decrypted, a subject's erasure removing only that subject's
 * ciphertexts (unless on legal hold), a tenant's erasure leaving every sealed detail
 * unreadable once the key is destroyed; the log verifies after each, and the proof of
 * erasure lands in the tenant's log, readable.
 */
@QuarkusTest
class AuditPrivacyRequestsTest {

    /** The object store the service under test writes export parts to: the stack's S3 store (FleetTestResource). */
    @Inject
    ObjectStore store;

    @TestHTTPResource(tls = true)
    URL service;

    private static ServicePart auditPart(PrivacyRequest request) {
        return request.getPartsList().stream().filter(p -> p.getService().equals("audit")).findFirst().orElseThrow();
    }

    private void assertVerifies(AuditGrpcClient client, String tenant) {
        assertThat(client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build())
                .getVerified()).as("stored log verifies").isTrue();
        VerificationReport offline = new ExportVerifier(client.verificationKeys()).verify(client.export(tenant, 0, 0));
        assertThat(offline.ok()).as(offline.summary()).isTrue();
    }

    private JsonPath restRecords(String tenant, String actor) {
        return given().headers(AuditFixtures.platformAuditor())
                .get(service + "v1/audit/tenants/" + tenant + "/records?page_size=500&actor=" + actor)
                .then().statusCode(200).extract().jsonPath();
    }

    /**
     * Proves: an export of the tenant, and of one subject (the actor), writes the records
     * with details decrypted to the object store; the file's SHA-256 and counts are the
     * ones reported.
     */
    @Test
    void exportHoldsRecordsWithDetailsDecrypted() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "alice", 2));
            client.asService().append(PrivacyCalls.withDetails(tenant, "bob", 3));
        }

        PrivacyRequest whole = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "");
        ServicePart part = auditPart(whole);
        byte[] content = stored(part.getObject());
        assertThat(part.getObject()).endsWith("/audit.jsonl");
        assertThat(LocalDirectoryObjectStore.sha256Hex(content)).isEqualTo(part.getSha256());
        List<JsonObject> lines = content.length == 0 ? List.of() : new String(content, StandardCharsets.UTF_8)
                .lines().map(JsonObject::new).toList();
        assertThat(part.getCountsMap()).containsEntry(AuditPrivacyPart.RECORDS, (long) lines.size());
        assertThat(lines).allSatisfy(line -> assertThat(line.getString("kind")).isEqualTo(AuditPrivacyPart.RECORDS));
        List<JsonObject> appended = lines.stream().map(l -> l.getJsonObject("record"))
                .filter(r -> r.getString("actor").equals("alice") || r.getString("actor").equals("bob")).toList();
        assertThat(appended).hasSize(5).allSatisfy(r -> assertThat(r.getString("details_state")).isEqualTo("decrypted"));
        assertThat(appended).extracting(r -> new String(Base64.getDecoder().decode(r.getString("details")),
                StandardCharsets.UTF_8)).contains(PrivacyCalls.secret("alice", 0), PrivacyCalls.secret("bob", 2));

        PrivacyRequest subject = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "bob");
        String bobs = new String(stored(auditPart(subject).getObject()), StandardCharsets.UTF_8);
        assertThat(bobs.lines().map(JsonObject::new).map(l -> l.getJsonObject("record").getString("actor")))
                .containsExactly("bob", "bob", "bob");
        assertThat(auditPart(subject).getCountsMap()).containsEntry(AuditPrivacyPart.RECORDS, 3L);
    }

    /**
     * Proves: erasing subject bob removes the ciphertext of bob's details only (alice's
     * stay sealed and readable), readers see bob's details as redacted, the log still
     * verifies stored and offline, and a repeated erasure finds nothing more to do.
     */
    @Test
    void subjectErasureRedactsOnlyTheSubjectsDetails() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "alice", 2));
            client.asService().append(PrivacyCalls.withDetails(tenant, "bob", 3));

            PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "bob");
            assertThat(auditPart(erased).getCountsMap()).containsEntry(AuditPrivacyPart.RECORDS + ".redacted", 3L);

            List<PrivacyCalls.StoredRow> rows = PrivacyCalls.stored(tenant);
            assertThat(rows).filteredOn(r -> r.actor().equals("bob")).hasSize(3).allSatisfy(r -> {
                assertThat(r.sealedDetails()).isNull();
                assertThat(r.redacted()).isTrue();
                assertThat(SealedDetails.isReference(r.details())).isTrue();
            });
            assertThat(rows).filteredOn(r -> r.actor().equals("alice")).hasSize(2)
                    .allSatisfy(r -> assertThat(r.sealedDetails()).startsWith("aes1:"));
            JsonPath bob = restRecords(tenant, "bob");
            assertThat(bob.getList("records.details_state", String.class)).containsExactly("redacted", "redacted",
                    "redacted");
            assertThat(bob.getList("records.details")).containsOnlyNulls();
            assertThat(restRecords(tenant, "alice").getList("records.details_state", String.class))
                    .containsOnly("decrypted");
            assertVerifies(client, tenant);

            PrivacyRequest again = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "bob");
            assertThat(auditPart(again).getCountsMap()).containsEntry(AuditPrivacyPart.RECORDS + ".redacted", 0L);
        }
    }

    /** Proves: under a legal hold a subject's erasure keeps the sealed details and reports them as held. */
    @Test
    void legalHoldKeepsASubjectsDetails() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "frank", 2));
            client.as(AuditFixtures.platformCompliance()).setLegalHold(SetLegalHoldRequest.newBuilder()
                    .setTenantId(tenant).setHeld(true).setReason("litigation 2026-17").build());

            PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant,
                    "frank");
            assertThat(auditPart(erased).getCountsMap()).containsEntry(AuditPrivacyPart.RECORDS + ".held", 2L)
                    .containsEntry(AuditPrivacyPart.RECORDS + ".redacted", 0L);
            assertThat(PrivacyCalls.stored(tenant)).filteredOn(r -> r.actor().equals("frank"))
                    .allSatisfy(r -> assertThat(r.sealedDetails()).startsWith("aes1:"));
        }
    }

    /**
     * Proves: a tenant's erasure deletes nothing from the log and reports the records
     * left sealed; once the tenant service destroyed the key, sealed details are
     * unreadable (ciphertext still stored, never plaintext), the log still verifies, and
     * the proof of erasure (the request, audit's answer, the key destruction, the
     * completion) is in the tenant's log with readable details.
     */
    @Test
    void tenantErasureLeavesDetailsUnreadableAndTheProofReadable() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "grace", 4));
            long recordsBefore = PrivacyCalls.stored(tenant).size();

            PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");
            assertThat(erased.hasKeyDestroyedAt()).isTrue();
            assertThat(auditPart(erased).getCountsMap().get(AuditPrivacyPart.RECORDS + ".sealed")).isGreaterThanOrEqualTo(4L);
            assertThat(PrivacyCalls.stored(tenant).size()).isGreaterThanOrEqualTo((int) recordsBefore);

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(restRecords(tenant, "grace").getList("records.details_state", String.class))
                            .containsExactly("unreadable", "unreadable", "unreadable", "unreadable"));
            assertThat(PrivacyCalls.stored(tenant)).filteredOn(r -> r.actor().equals("grace")).allSatisfy(r -> {
                assertThat(r.sealedDetails()).startsWith("aes1:").doesNotContain("secret");
                assertThat(SealedDetails.matches(r.details(), r.sealedDetails())).isTrue();
            });
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setActor("grace").build()).getRecordsList())
                    .allSatisfy(r -> assertThat(SealedDetails.isReference(r.getDetails().toByteArray())).isTrue());

            QueryRecordsRequest proof = QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(500).build();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var records = client.asAuditor().queryRecords(proof).getRecordsList();
                assertThat(records).extracting(r -> r.getAction()).contains(
                        "aicunet.privacy.v1.PrivacyRequestCreated", "aicunet.privacy.v1.PrivacyRequestFulfilled",
                        "aicunet.privacy.v1.TenantDataKeyDestroyed", "aicunet.privacy.v1.PrivacyRequestCompleted");
            });
            var records = client.asAuditor().queryRecords(proof).getRecordsList();
            TenantDataKeyDestroyed destroyed = TenantDataKeyDestroyed.parseFrom(records.stream()
                    .filter(r -> r.getAction().equals("aicunet.privacy.v1.TenantDataKeyDestroyed")).findFirst()
                    .orElseThrow().getDetails());
            assertThat(destroyed.getRequestId()).isEqualTo(erased.getRequestId());
            PrivacyRequestFulfilled answer = PrivacyRequestFulfilled.parseFrom(records.stream()
                    .filter(r -> r.getAction().equals("aicunet.privacy.v1.PrivacyRequestFulfilled")).findFirst()
                    .orElseThrow().getDetails());
            assertThat(answer.getService()).isEqualTo("audit");
            PrivacyRequestCompleted completed = PrivacyRequestCompleted.parseFrom(records.stream()
                    .filter(r -> r.getAction().equals("aicunet.privacy.v1.PrivacyRequestCompleted")).findFirst()
                    .orElseThrow().getDetails());
            assertThat(completed.getRequest().hasKeyDestroyedAt()).isTrue();

            assertVerifies(client, tenant);
        }
    }

    /**
     * Proves: even the owner, with the redaction flag set, cannot change what a record
     * hash covers (here the actor) while removing a ciphertext; only the ciphertext may go.
     */
    @Test
    void redactionCannotChangeWhatTheHashCovers() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "heidi", 1));
        }
        try (Connection owner = FleetTestResource.database().connectAsOwner()) {
            owner.setAutoCommit(false);
            try (Statement settings = owner.createStatement()) {
                settings.execute("SET LOCAL aicunet.platform = 'on'");
                settings.execute("SET LOCAL audit.details_redaction = 'on'");
            }
            try (PreparedStatement forge = owner.prepareStatement("""
                    UPDATE audit.audit_records SET actor = 'mallory', sealed_details = NULL,
                           details_redacted_at = now() WHERE tenant_id = ? AND actor = 'heidi'""")) {
                forge.setObject(1, UUID.fromString(tenant));
                assertThatThrownBy(forge::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            } finally {
                owner.rollback();
            }
        }
        assertThat(PrivacyCalls.stored(tenant)).filteredOn(r -> r.actor().equals("heidi")).singleElement()
                .satisfies(r -> assertThat(r.sealedDetails()).startsWith("aes1:"));
    }

    /** An export part as the service wrote it, read back through the run's object store. */
    private byte[] stored(String key) throws IOException {
        assertThat(ClientProxy.unwrap(store)).as("the test profile's store").isInstanceOf(S3ObjectStore.class);
        try (InputStream content = store.get(key).orElseThrow(() -> new AssertionError("no object " + key))) {
            return content.readAllBytes();
        }
    }
}
