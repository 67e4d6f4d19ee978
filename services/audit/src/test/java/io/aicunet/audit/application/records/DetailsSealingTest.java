package io.aicunet.audit.application.records;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.rpc.PreconditionFailure;
import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.audit.KafkaIngestTest;
import io.aicunet.audit.PrivacyCalls;
import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.SealedDetails;
import io.aicunet.platform.auditlog.VerificationReport;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Record details sealed with the tenant's data key before they are hashed: the database
 * holds only ciphertext and the digest reference, readers get the details back while the
 * key exists, and the log verifies online and offline. A tenant without a key cannot
 * have details stored; its events are still logged, their payload as a digest only.
 */
@QuarkusTest
class DetailsSealingTest {

    @TestHTTPResource(tls = true)
    URL service;

    /**
     * Proves: details appended for a real tenant are stored as ciphertext (never the
     * plaintext) behind a digest reference, come back decrypted over gRPC and REST, and
     * the log verifies, stored and exported (the export carrying the ciphertext the
     * verifier checks against the digest).
     */
    @Test
    void appendedDetailsAreSealedAndReadable() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(PrivacyCalls.withDetails(tenant, "carol", 3));

            List<PrivacyCalls.StoredRow> rows = PrivacyCalls.stored(tenant).stream()
                    .filter(r -> r.actor().equals("carol")).toList();
            assertThat(rows).hasSize(3).allSatisfy(row -> {
                assertThat(SealedDetails.isReference(row.details())).isTrue();
                assertThat(row.sealedDetails()).startsWith("aes1:").doesNotContain("secret");
                assertThat(SealedDetails.matches(row.details(), row.sealedDetails())).isTrue();
                assertThat(PrivacyCalls.utf8(row.details())).doesNotContain("secret");
            });

            List<AuditRecord> read = client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder()
                    .setTenantId(tenant).setActor("carol").build()).getRecordsList();
            assertThat(read).extracting(r -> r.getDetails().toStringUtf8())
                    .containsExactly(PrivacyCalls.secret("carol", 0), PrivacyCalls.secret("carol", 1),
                            PrivacyCalls.secret("carol", 2));
            JsonPath rest = given().headers(AuditFixtures.platformAuditor())
                    .get(service + "v1/audit/tenants/" + tenant + "/records?actor=carol")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(rest.getList("records.details_state", String.class)).containsOnly("decrypted");
            assertThat(new String(java.util.Base64.getDecoder().decode(rest.getString("records[0].details")),
                    StandardCharsets.UTF_8)).isEqualTo(PrivacyCalls.secret("carol", 0));

            assertThat(client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build())
                    .getVerified()).isTrue();
            List<String> export = client.export(tenant, 0, 0);
            assertThat(export).filteredOn(line -> line.contains("\"actor\":\"carol\""))
                    .allSatisfy(line -> assertThat(line).contains("\"sealed_details\":\"aes1:")
                            .contains("\"details_state\":\"decrypted\""));
            VerificationReport report = new ExportVerifier(client.verificationKeys()).verify(export);
            assertThat(report.ok()).as(report.summary()).isTrue();

            // A ciphertext swapped between two records is caught by the verifier: the digests differ.
            String first = export.stream().filter(l -> l.contains("\"actor\":\"carol\"")).findFirst().orElseThrow();
            String cipher = PrivacyCalls.stored(tenant).stream().filter(r -> r.actor().equals("carol"))
                    .skip(1).findFirst().orElseThrow().sealedDetails();
            List<String> swapped = export.stream().map(l -> l.equals(first)
                    ? l.replaceFirst("\"sealed_details\":\"[^\"]*\"", "\"sealed_details\":\"" + cipher + "\"") : l)
                    .toList();
            assertThat(new ExportVerifier(client.verificationKeys()).verify(swapped).ok()).isFalse();
        }
    }

    /**
     * Proves: details for a tenant the tenant service does not know are refused with
     * FAILED_PRECONDITION, and nothing of the batch is appended; records without details
     * are still taken.
     */
    @Test
    void detailsForATenantWithoutKeyAreRefused() {
        String unknown = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            var batch = PrivacyCalls.withDetails(unknown, "dave", 2).toBuilder()
                    .addRecords(AuditFixtures.aRecord()).build();
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> client.asService().append(batch));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(GrpcCalls.statusOf(refused).getDetailsList()).anySatisfy(detail -> {
                assertThat(detail.is(PreconditionFailure.class)).isTrue();
                assertThat(detail.unpack(PreconditionFailure.class).getViolations(0).getType())
                        .isEqualTo("TENANT_DATA_KEY_UNAVAILABLE");
            });
            QueryRecordsRequest query = QueryRecordsRequest.newBuilder().setTenantId(unknown).build();
            assertThat(client.asAuditor().queryRecords(query).getRecordsCount()).isZero();

            client.asService().append(AuditFixtures.anAppend(unknown, 2).build());
            assertThat(client.asAuditor().queryRecords(query).getRecordsCount()).isEqualTo(2);
        }
    }

    /** Proves: a real tenant's event payload is sealed at ingest and read back decrypted. */
    @Test
    void ingestedPayloadsAreSealed() throws Exception {
        String tenant = TenantServiceProcess.createTenant();
        byte[] payload = "transfer for erin@example.com".getBytes(StandardCharsets.UTF_8);
        OutboxEvent transfer = KafkaIngestTest.event("ledger.transfers.v1", "aicunet.ledger.v1.TransferPosted",
                "/aicunet/ledger", TenantId.parse(tenant).orElseThrow(), payload);
        KafkaIngestTest.publish(List.of(transfer));
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            QueryRecordsRequest query = QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setAction("aicunet.ledger.v1.TransferPosted").build();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(client.asAuditor().queryRecords(query).getRecordsList())
                            .extracting(r -> r.getDetails())
                            .containsExactly(ByteString.copyFrom(payload)));
        }
        assertThat(PrivacyCalls.stored(tenant)).isNotEmpty().allSatisfy(row -> {
            assertThat(PrivacyCalls.utf8(row.details())).doesNotContain("erin");
            if (row.sealedDetails() != null) {
                assertThat(row.sealedDetails()).doesNotContain("erin");
            }
        }).anySatisfy(row -> assertThat(row.sealedDetails()).startsWith("aes1:"));
    }
}
