package io.aicunet.ledger.application.privacy;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.ListAccountTransfersRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferCreated;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.ledger.v1.VerifyInvariantRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequest;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.ServicePart;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.contract.LedgerEvents;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.privacy.S3ObjectStore;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.PrivacyRequests;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's personal data on the real stack, with the real tenant service: a
 * transfer's personal metadata is encrypted with the tenant's data key and only readers
 * see it; privacy requests made at the tenant service export it decrypted and erase it
 * (amounts and balances stay); a tenant without a data key cannot store any.
 */
@QuarkusTest
class PrivacyRequestsTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> PRIVACY_OFFICER =
            TestCallers.headers("platform", "dpo@aicunet.io", Set.of("platform-privacy-officer"));
    private static final Map<String, String> ALICE = Map.of("buyer", "Alice Example", "email", "alice@example.com");
    private static final Map<String, String> BOB = Map.of("buyer", "Bob Example");

    /** The object store the service under test writes export parts to: the stack's S3 store (FleetTestResource). */
    @Inject
    ObjectStore store;

    /** The tenant's default accounts, opened by the ledger on TenantCreated. */
    private String funding;
    private String available;

    @BeforeEach
    void realTenant() {
        useRealTenant();
        funding = defaultAccount("funding");
        available = defaultAccount("available");
    }

    /**
     * Proves: personal metadata goes into the database only as a ciphertext of the
     * tenant's key (plaintext nowhere in the row), comes back in plaintext to the writer,
     * to GetTransfer, to a replay and in the statement, and never appears in the event.
     * An account names its subject.
     */
    @Test
    void personalMetadataIsEncryptedAtRestAndReadableByReaders() throws Exception {
        Account wallet = open(anAccount("CREDIT").setSubjectId("user-1"));
        assertThat(wallet.getSubjectId()).isEqualTo("user-1");
        NewTransfer.Builder purchase = aTransfer(funding, wallet.getId(), 100).putMetadata("order", "o-1")
                .putAllPersonalMetadata(ALICE);

        TransferOutcome created = post(purchase).get(0);

        assertThat(created.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(created.getTransfer().getPersonalMetadataMap()).isEqualTo(ALICE);
        String stored = personalMetadataColumn(created.getId());
        assertThat(stored).startsWith("aes1:").doesNotContain("Alice").doesNotContain("alice@example.com");
        Transfer read = writer().getTransfer(GetTransferRequest.newBuilder().setTransferId(created.getId()).build())
                .getTransfer();
        assertThat(read.getPersonalMetadataMap()).isEqualTo(ALICE);
        assertThat(read.getMetadataMap()).containsEntry("order", "o-1");
        TransferOutcome replay = post(purchase).get(0);
        assertThat(replay.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXISTS);
        assertThat(replay.getTransfer().getPersonalMetadataMap()).isEqualTo(ALICE);
        assertThat(writer().listAccountTransfers(ListAccountTransfersRequest.newBuilder()
                .setAccountId(wallet.getId()).build()).getTransfers(0).getPersonalMetadataMap()).isEqualTo(ALICE);
        given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).when().get("/v1/transfers/{id}", created.getId())
                .then().statusCode(200).body("personal_metadata.buyer", equalTo("Alice Example"));

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + LedgerEvents.TOPIC)) {
            ReceivedEvent event = reader.readUntil(records -> records.stream()
                            .anyMatch(r -> ReceivedEvent.from(r).subject().equals(created.getId())), WAIT).stream()
                    .map(ReceivedEvent::from).filter(e -> e.subject().equals(created.getId())).findFirst()
                    .orElseThrow();
            Transfer published = TransferCreated.parseFrom(event.payload()).getTransfer();
            assertThat(published.getAmount()).isEqualTo(100);
            assertThat(published.getMetadataMap()).containsEntry("order", "o-1");
            assertThat(published.getPersonalMetadataMap()).isEmpty();
            assertThat(new String(event.payload(), StandardCharsets.UTF_8)).doesNotContain("Alice");
        }
    }

    /**
     * Proves: a tenant the tenant service does not know cannot store personal data: a
     * batch with personal metadata and an account with a subject are refused with
     * FAILED_PRECONDITION TENANT_DATA_KEY_UNAVAILABLE (REST: 409 problem+json) and
     * nothing is written, while the same tenant's transfers without personal data work.
     */
    @Test
    void tenantWithoutDataKeyCannotStorePersonalData() throws Exception {
        tenant = UUID.randomUUID().toString();
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> post(aTransfer(from.getId(), to.getId(), 5), aTransfer(from.getId(), to.getId(), 7)
                        .putAllPersonalMetadata(ALICE)));
        assertRefusedForMissingKey(refused);
        assertThat(transferRows()).isZero();
        StatusRuntimeException subject = catchThrowableOfType(StatusRuntimeException.class,
                () -> open(anAccount("CREDIT").setSubjectId("user-9")));
        assertRefusedForMissingKey(subject);
        assertThat(count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant)).isEqualTo(2);
        given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).contentType("application/json")
                .body(Map.of("transfers", List.of(Map.of("id", UUID.randomUUID().toString(),
                        "debit_account_id", from.getId(), "credit_account_id", to.getId(), "amount", 3,
                        "code", "test.usage", "personal_metadata", ALICE))))
                .when().post("/v1/transfers")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.containsString("failed-precondition"));
        assertThat(transferRows()).isZero();

        assertThat(post(aTransfer(from.getId(), to.getId(), 5)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
    }

    /**
     * Proves: an export of the whole tenant writes every account and transfer of it (and
     * its standing) to the object store with the personal metadata decrypted, answers
     * counts and a SHA-256 that match the object; an export of one subject holds only
     * the subject's accounts and the transfers touching them.
     */
    @Test
    void exportGivesTheRecordsWithPersonalMetadataDecrypted() throws Exception {
        Account alice = open(anAccount("CREDIT").setSubjectId("user-1"));
        Account bob = open(anAccount("CREDIT").setSubjectId("user-2"));
        post(aTransfer(funding, alice.getId(), 100).putAllPersonalMetadata(ALICE),
                aTransfer(funding, bob.getId(), 40).putAllPersonalMetadata(BOB),
                aTransfer(funding, available, 7));

        PrivacyRequest whole = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "");
        ServicePart part = ledgerPart(whole);
        byte[] content = stored(part.getObject());
        assertThat(LocalDirectoryObjectStore.sha256Hex(content)).isEqualTo(part.getSha256());
        Map<String, List<JsonObject>> records = records(content);
        assertThat(part.getCountsMap()).containsEntry("accounts", DEFAULT_ACCOUNTS + 2L)
                .containsEntry("transfers", 3L).containsEntry("tenants", 1L);
        assertThat(records.get("accounts")).hasSize(DEFAULT_ACCOUNTS + 2);
        assertThat(records.get("transfers")).hasSize(3);
        assertThat(personalOf(records, alice.getId())).isEqualTo(new JsonObject(new HashMap<>(ALICE)));
        assertThat(personalOf(records, bob.getId())).isEqualTo(new JsonObject(new HashMap<>(BOB)));
        assertThat(records.get("tenants").get(0).getString("status")).isEqualTo("active");

        PrivacyRequest subject = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT, tenant, "user-1");
        Map<String, List<JsonObject>> own = records(stored(ledgerPart(subject).getObject()));
        assertThat(own.get("accounts")).extracting(a -> a.getString("id")).containsExactly(alice.getId());
        assertThat(own.get("accounts").get(0).getString("subject_id")).isEqualTo("user-1");
        assertThat(own.get("transfers")).hasSize(1);
        assertThat(personalOf(own, alice.getId())).isEqualTo(new JsonObject(new HashMap<>(ALICE)));
        assertThat(own).doesNotContainKey("tenants");
    }

    /**
     * Proves: erasing a subject empties the personal metadata of the transfers touching
     * the subject's accounts and the accounts' subject, and nothing else: other
     * subjects' personal metadata, amounts, balances and plain metadata stay and debits
     * still equal credits. A repeated erasure finds nothing more.
     */
    @Test
    void subjectErasureDropsPersonalDataAndKeepsTheAmounts() throws Exception {
        Account alice = open(anAccount("CREDIT").setSubjectId("user-1"));
        Account bob = open(anAccount("CREDIT").setSubjectId("user-2"));
        List<TransferOutcome> posted = post(
                aTransfer(funding, alice.getId(), 100).putMetadata("order", "o-1").putAllPersonalMetadata(ALICE),
                aTransfer(funding, bob.getId(), 40).putAllPersonalMetadata(BOB));

        PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "user-1");

        assertThat(ledgerPart(erased).getCountsMap()).containsEntry("transfers_personal_metadata_erased", 1L)
                .containsEntry("accounts_subject_erased", 1L);
        assertThat(personalMetadataColumn(posted.get(0).getId())).isNull();
        assertThat(personalMetadataColumn(posted.get(1).getId())).startsWith("aes1:");
        Transfer kept = writer().getTransfer(GetTransferRequest.newBuilder()
                .setTransferId(posted.get(0).getId()).build()).getTransfer();
        assertThat(kept.getPersonalMetadataMap()).isEmpty();
        assertThat(kept.getAmount()).isEqualTo(100);
        assertThat(kept.getMetadataMap()).containsEntry("order", "o-1");
        assertThat(account(alice.getId()).getSubjectId()).isEmpty();
        assertThat(account(alice.getId()).getBalances()).isEqualTo(balances(0, 100, 0, 0));
        assertThat(account(bob.getId()).getSubjectId()).isEqualTo("user-2");
        assertThat(writer().getTransfer(GetTransferRequest.newBuilder().setTransferId(posted.get(1).getId()).build())
                .getTransfer().getPersonalMetadataMap()).isEqualTo(BOB);
        assertThat(operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance()).getHolds()).isTrue();

        PrivacyRequest again = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "user-1");
        assertThat(ledgerPart(again).getCountsMap()).containsEntry("transfers_personal_metadata_erased", 0L)
                .containsEntry("accounts_subject_erased", 0L);
        assertThat(personalMetadataColumn(posted.get(1).getId())).startsWith("aes1:");
    }

    /**
     * Proves: erasing the whole tenant empties all its personal data while its accounts,
     * transfers and balances stay (debits equal credits); the tenant's key is destroyed
     * last, so a ciphertext taken before can no longer be decrypted by anyone, and the
     * ledger refuses new personal data for the tenant.
     */
    @Test
    void tenantErasureLeavesAmountsAndNothingReadable() throws Exception {
        Account alice = open(anAccount("CREDIT").setSubjectId("user-1"));
        Account bob = open(anAccount("CREDIT").setSubjectId("user-2"));
        List<TransferOutcome> posted = post(aTransfer(funding, alice.getId(), 100).putAllPersonalMetadata(ALICE),
                aTransfer(funding, bob.getId(), 40).putAllPersonalMetadata(BOB), aTransfer(funding, available, 7));
        String ciphertextBefore = personalMetadataColumn(posted.get(1).getId());

        PrivacyRequest erased = PrivacyRequests.completed(PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE, tenant, "");

        assertThat(erased.hasKeyDestroyedAt()).isTrue();
        assertThat(ledgerPart(erased).getCountsMap()).containsEntry("transfers_personal_metadata_erased", 2L)
                .containsEntry("accounts_subject_erased", 2L);
        assertThat(count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid"
                + " AND personal_metadata IS NOT NULL", tenant)).isZero();
        assertThat(count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid"
                + " AND subject_id IS NOT NULL", tenant)).isZero();
        assertThat(transferRows()).isEqualTo(3);
        assertThat(account(funding).getBalances()).isEqualTo(balances(147, 0, 0, 0));
        assertThat(operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance()).getHolds()).isTrue();
        assertThat(ciphertextBefore).startsWith("aes1:");
        StatusRuntimeException keyGone = catchThrowableOfType(StatusRuntimeException.class,
                () -> TenantKeyServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.service("ledger", tenant))).getDataKey(GetDataKeyRequest.newBuilder().setTenantId(tenant).build()));
        assertThat(keyGone.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        // The ledger drops its cached key on TenantDataKeyDestroyed.
        await().atMost(WAIT).untilAsserted(() -> assertRefusedForMissingKey(catchThrowableOfType(
                StatusRuntimeException.class,
                () -> post(aTransfer(funding, available, 1).putAllPersonalMetadata(ALICE)))));
    }

    private static void assertRefusedForMissingKey(StatusRuntimeException refused) throws Exception {
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcCalls.statusOf(refused).getDetails(0).unpack(PreconditionFailure.class)
                .getViolations(0).getType()).isEqualTo("TENANT_DATA_KEY_UNAVAILABLE");
    }

    private String defaultAccount(String code) {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), code).toString();
    }

    private Account account(String id) {
        return writer().getAccount(GetAccountRequest.newBuilder().setAccountId(id).build()).getAccount();
    }

    private static ServicePart ledgerPart(PrivacyRequest request) {
        return PrivacyRequests.partOf(request, "ledger");
    }

    /** The export's JSON Lines, per kind. */
    private static Map<String, List<JsonObject>> records(byte[] content) {
        Map<String, List<JsonObject>> byKind = new HashMap<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonObject entry = new JsonObject(line);
                byKind.computeIfAbsent(entry.getString("kind"), kind -> new ArrayList<>())
                        .add(entry.getJsonObject("record"));
            }
        }
        return byKind;
    }

    /** The exported personal metadata of the one transfer crediting the account. */
    private static JsonObject personalOf(Map<String, List<JsonObject>> records, String creditAccount) {
        return records.get("transfers").stream()
                .filter(t -> t.getString("credit_account_id").equals(creditAccount)).findFirst().orElseThrow()
                .getJsonObject("personal_metadata");
    }

    /** What the database holds in transfers.personal_metadata, read past row-level security. */
    private static String personalMetadataColumn(String transferId) throws Exception {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT personal_metadata FROM ledger.transfers WHERE transfer_id = ?::uuid")) {
            select.setString(1, transferId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("transfer " + transferId + " is stored").isTrue();
                return row.getString(1);
            }
        }
    }

    /** An export part as the service wrote it, read back through the run's object store. */
    private byte[] stored(String key) throws IOException {
        assertThat(ClientProxy.unwrap(store)).as("the test profile's store").isInstanceOf(S3ObjectStore.class);
        try (InputStream content = store.get(key).orElseThrow(() -> new AssertionError("no object " + key))) {
            return content.readAllBytes();
        }
    }
}
