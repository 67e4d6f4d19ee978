package io.aicunet.ledger.application.transfers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.QuotaFailure;
import io.aicunet.contracts.ledger.v1.Balances;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.port.PersonalRecords;
import io.aicunet.ledger.application.privacy.LedgerPrivacyPart;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Storage quotas in the ledger (docs/storage-quotas.md): the bytes of transfer metadata
 * as stored (the metadata as jsonb text, the personal metadata's ciphertext) count
 * against the tenant's storage_bytes quota, counted in tenant_storage by the database in
 * the batch's own transaction; a batch past the quota is refused as a whole.
 */
@QuarkusTest
class StorageQuotaTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @Inject
    LedgerPrivacyPart privacyPart;

    @Inject
    PersonalRecords personalRecords;

    /**
     * Proves: a tenant with a quota of 100 bytes stores a transfer with 50 bytes of
     * metadata; a batch of a transfer with 51 bytes and one without metadata is refused
     * as a whole with RESOURCE_EXHAUSTED naming the quota (100) and the current use (50),
     * and writes nothing: no transfer, no balance change, no event; a transfer with 50
     * bytes then fits, exactly the quota; after the tenant service raises the quota, the
     * refused batch retried with the same ids is written (answered OK, not EXISTS); the
     * count always equals the sum over the tenant's transfers.
     */
    @Test
    void exactlyTheQuotaThenTheWholeBatchRefusedWritingNothing() throws Exception {
        aTenantWithStorageQuota(100);
        assertThat(post(withMetadata(50)).get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).isEqualTo(50);
        long rowsBefore = transferRows();
        Balances fundingBefore = balanceOf("funding");
        Balances usageBefore = balanceOf("usage");

        NewTransfer.Builder over = withMetadata(51);
        NewTransfer.Builder plain = withoutMetadata();
        StatusRuntimeException refused = refused(over, plain);
        assertRefused(refused, 100, 50);
        assertThat(transferRows()).as("no transfer of the batch").isEqualTo(rowsBefore);
        assertThat(balanceOf("funding")).isEqualTo(fundingBefore);
        assertThat(balanceOf("usage")).isEqualTo(usageBefore);
        assertThat(count("SELECT count(*) FROM ledger.outbox_events WHERE tenant_id = ?::uuid"
                + " AND aggregate_id IN (?, ?)", tenant, over.getId(), plain.getId())).as("no event").isZero();
        assertThat(storedBytes()).isEqualTo(50);

        assertThat(post(withMetadata(50)).get(0).getResult()).as("exactly the quota")
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).isEqualTo(100);
        assertRefused(refused(withMetadata(10)), 100, 100);

        setStorageQuota(151);
        // The ledger learns the new quota within its quota cache time (5 s); until then the retry is refused.
        List<TransferOutcome> retried = await().atMost(WAIT).ignoreException(StatusRuntimeException.class)
                .until(() -> post(over, plain), outcomes -> true);
        assertThat(retried).extracting(TransferOutcome::getResult)
                .containsExactly(TransferResult.TRANSFER_RESULT_OK, TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).isEqualTo(151).isEqualTo(sumOverTransfers());
    }

    /**
     * Proves: personal metadata counts as stored (two ciphertexts of the same length) and plain metadata fills
     * the rest of a 1,000-byte quota exactly; then personal metadata is refused with the
     * current use 1,000; retention dropping one transfer's personal metadata frees exactly
     * its bytes (a transfer of that many bytes fits again, exactly the quota); the
     * tenant's erasure frees the rest, and the refused transfer then fits; the count always
     * equals the sum over the tenant's transfers.
     */
    @Test
    void retentionAndErasureFreeRoom() throws Exception {
        aTenantWithStorageQuota(1_000);
        assertThat(post(withPersonalMetadata("Alice Example")).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(post(withPersonalMetadata("Alice Exampla")).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        long personal = storedBytes();
        assertThat(personal).isEqualTo(sumOverTransfers()).isPositive();
        assertThat(post(withMetadataTotalling(1_000 - personal)).stream().map(TransferOutcome::getResult))
                .containsOnly(TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).as("exactly the quota").isEqualTo(1_000).isEqualTo(sumOverTransfers());
        NewTransfer.Builder refusedPersonal = withPersonalMetadata("Carol Example");
        assertRefused(refused(refusedPersonal), 1_000, 1_000);

        TenantId id = TenantId.parse(tenant).orElseThrow();
        // Retention up to the second one's time: only the first one's personal metadata goes.
        Instant second = latestPersonalTransferTime();
        int dropped = TenantTransactions.inTenant(pool, TenantScope.of(id), connection -> personalRecords
                        .dropPersonalMetadataBefore(connection, id, second, 100).map(Result::ok))
                .await().atMost(WAIT).value();
        assertThat(dropped).isEqualTo(1);
        long freed = 1_000 - storedBytes();
        assertThat(freed).as("one ciphertext's bytes").isEqualTo(personal / 2).isGreaterThanOrEqualTo(10);
        assertThat(storedBytes()).isEqualTo(sumOverTransfers());
        assertThat(post(withMetadataTotalling(freed)).stream().map(TransferOutcome::getResult))
                .containsOnly(TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).isEqualTo(1_000);

        TenantTransactions.inTenant(pool, TenantScope.of(id), connection -> privacyPart.erase(connection,
                        new PrivacyScope(UUID.randomUUID(), id, Optional.empty())).map(Result::ok))
                .await().atMost(WAIT);
        assertThat(storedBytes()).as("the erasure freed the other ciphertext")
                .isEqualTo(1_000 - personal / 2).isEqualTo(sumOverTransfers());
        assertThat(post(refusedPersonal).get(0).getResult()).as("the same id, refused before")
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(storedBytes()).isEqualTo(1_000).isEqualTo(sumOverTransfers());
    }

    /**
     * Proves: a tenant at a quota of 0 still posts transfers without metadata (gRPC and
     * REST; nothing counted, no tenant_storage row), while a transfer with metadata is
     * refused: gRPC RESOURCE_EXHAUSTED with the current use 0, REST 429 problem+json with
     * the limit, subject, bound and current use, and nothing written.
     */
    @Test
    void aTenantAtQuotaZeroPostsTransfersWithoutMetadata() throws Exception {
        aTenantWithStorageQuota(0);
        assertThat(post(withoutMetadata(), withoutMetadata()).stream().map(TransferOutcome::getResult))
                .containsOnly(TransferResult.TRANSFER_RESULT_OK);
        given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).contentType("application/json")
                .body(Map.of("transfers", List.of(Map.of("id", UUID.randomUUID().toString(),
                        "debit_account_id", accountId("funding"), "credit_account_id", accountId("usage"),
                        "amount", 1, "code", "usage"))))
                .when().post("/v1/transfers").then().statusCode(200).body("results[0].result", equalTo("ok"));
        assertThat(count("SELECT count(*) FROM ledger.tenant_storage WHERE tenant_id = ?::uuid", tenant))
                .as("no row for a tenant without metadata").isZero();
        long rowsBefore = transferRows();

        assertRefused(refused(withMetadata(10)), 0, 0);
        given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).contentType("application/json")
                .body(Map.of("transfers", List.of(Map.of("id", UUID.randomUUID().toString(),
                        "debit_account_id", accountId("funding"), "credit_account_id", accountId("usage"),
                        "amount", 1, "code", "usage", "metadata", Map.of("k", "v")))))
                .when().post("/v1/transfers").then().statusCode(429)
                .contentType("application/problem+json")
                .body("limit", equalTo("tenant.quotas.storage_bytes"))
                .body("subject", endsWith("/storage/ledger"))
                .body("bound", equalTo(0))
                .body("current", equalTo(0));
        assertThat(transferRows()).isEqualTo(rowsBefore);
        assertThat(storedBytes()).isZero();
    }

    /** Makes this test's tenant a new tenant of the tenant service with the given storage quota, its accounts open. */
    private void aTenantWithStorageQuota(long storageBytes) {
        tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(100_000)
                        .setTokensPerDay(1_000_000).setStorageBytes(storageBytes)).build())
                .getTenant().getId();
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid",
                tenant) == DEFAULT_ACCOUNTS);
    }

    private void setStorageQuota(long storageBytes) {
        TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(), TestCallers.platformAdmin()))
                .updateTenant(UpdateTenantRequest.newBuilder().setTenantId(tenant).setQuotas(Quotas.newBuilder()
                        .setRequestsPerMinute(100_000).setTokensPerDay(1_000_000).setStorageBytes(storageBytes))
                        .build());
    }

    /** A transfer whose metadata takes exactly {@code bytes} bytes as stored: {"k": "xxx..."} (at least 10). */
    private NewTransfer.Builder withMetadata(int bytes) {
        assertThat(bytes).isGreaterThanOrEqualTo(10);
        return withoutMetadata().putMetadata("k", "x".repeat(bytes - 9));
    }

    /** Transfers whose metadata takes exactly {@code bytes} bytes in all (at least 10), each within the value limit. */
    private NewTransfer.Builder[] withMetadataTotalling(long bytes) {
        List<NewTransfer.Builder> transfers = new java.util.ArrayList<>();
        long left = bytes;
        while (left > 0) {
            long chunk = Math.min(left, 200);
            if (left - chunk > 0 && left - chunk < 10) {
                chunk = left - 10;
            }
            transfers.add(withMetadata((int) chunk));
            left -= chunk;
        }
        return transfers.toArray(NewTransfer.Builder[]::new);
    }

    private NewTransfer.Builder withPersonalMetadata(String buyer) {
        return withoutMetadata().putPersonalMetadata("buyer", buyer);
    }

    private NewTransfer.Builder withoutMetadata() {
        return NewTransfer.newBuilder().setId(UUID.randomUUID().toString()).setAmount(1).setCode("usage")
                .setDebitAccountId(accountId("funding")).setCreditAccountId(accountId("usage"));
    }

    private StatusRuntimeException refused(NewTransfer.Builder... transfers) {
        Throwable thrown = catchThrowable(() -> post(transfers));
        assertThat(thrown).as("the batch is refused").isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException refusal = (StatusRuntimeException) thrown;
        assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        return refusal;
    }

    private static void assertRefused(StatusRuntimeException refused, long quota, long current) {
        assertThat(GrpcCalls.errorInfo(refused).getReason()).isEqualTo("tenant.quotas.storage_bytes");
        assertThat(GrpcCalls.errorInfo(refused).getMetadataMap()).containsEntry("bound", Long.toString(quota))
                .containsEntry("current", Long.toString(current));
        assertThat(GrpcCalls.detail(refused, QuotaFailure.class).getViolations(0).getSubject())
                .endsWith("/storage/ledger");
    }

    private Balances balanceOf(String code) {
        return writer().getAccount(io.aicunet.contracts.ledger.v1.GetAccountRequest.newBuilder()
                .setAccountId(accountId(code)).build()).getAccount().getBalances();
    }

    private String accountId(String code) {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), code).toString();
    }

    /** When the tenant's latest transfer with personal metadata was recorded. */
    private Instant latestPersonalTransferTime() throws SQLException {
        try (java.sql.Connection db = io.aicunet.platform.testing.FleetTestResource.database().connectAsSuperuser();
                java.sql.PreparedStatement select = db.prepareStatement("SELECT max(recorded_at) FROM ledger.transfers"
                        + " WHERE tenant_id = ?::uuid AND personal_metadata IS NOT NULL")) {
            select.setString(1, tenant);
            try (java.sql.ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getTimestamp(1).toInstant();
            }
        }
    }

    /** What tenant_storage counts for the tenant (0 when it has no row). */
    private long storedBytes() throws SQLException {
        return count("SELECT coalesce(sum(bytes), 0) FROM ledger.tenant_storage WHERE tenant_id = ?::uuid", tenant);
    }

    /** The tenant's transfer metadata bytes as stored, summed over its transfers (what the count must be). */
    private long sumOverTransfers() throws SQLException {
        return count("SELECT coalesce(sum(CASE WHEN metadata = '{}'::jsonb THEN 0 ELSE octet_length(metadata::text)"
                + " END + coalesce(octet_length(personal_metadata), 0)), 0) FROM ledger.transfers"
                + " WHERE tenant_id = ?::uuid", tenant);
    }
}
