package io.aicunet.ledger.application.transfers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.Message;
import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's daily token budget (tokens_per_day) through the ledger's two-phase
 * transfers on the real stack: reservations and posts from the tenant's default
 * {@code tokens} account, the tenant's quota from the tenant service's events.
 */
@QuarkusTest
class TokenBudgetTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private KafkaEventPublisher publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(), Map.of());
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    /**
     * Proves: with a budget of 100, reservations of 30, 30 and 40 pass and one more token
     * is refused with EXCEEDS_TOKEN_BUDGET naming the budget, used, reserved and requested,
     * writing nothing; posting 10 of the 40 frees 30 (exactly 30 more pass, then one token
     * is refused); a void frees its reservation and so does an expiry; and the budget
     * days always equal what the tenant's transfers say.
     */
    @Test
    void reservationsPostsVoidsAndExpiriesAtTheBoundary() throws Exception {
        createTenantWithBudget(100);

        String first = reserve(30, 0).getId();
        reserve(30, 0);
        String third = reserve(40, 0).getId();
        long rowsBefore = transferRows();
        TransferOutcome refused = refusedReservation(1);
        assertThat(refused.getField()).isEqualTo("amount");
        assertThat(refused.getDetail()).contains("is 100 tokens: 0 used, 100 reserved, 1 requested, 0 left");
        assertThat(transferRows()).isEqualTo(rowsBefore);
        assertThat(budgetDays()).containsExactly(100L, 0L);

        assertThat(post(settle(TransferKind.TRANSFER_KIND_POST_PENDING, third, 10)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(budgetDays()).containsExactly(60L, 10L);
        reserve(30, 0);
        assertThat(refusedReservation(1).getDetail()).contains("10 used, 90 reserved, 1 requested, 0 left");

        assertThat(post(settle(TransferKind.TRANSFER_KIND_VOID_PENDING, first, 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        String expiring = reserve(30, 1).getId();
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid"
                + " AND pending_id = ?::uuid AND kind = 'expire_pending'", tenant, expiring) == 1);
        assertThat(budgetDays()).as("the expiry released its 30").containsExactly(60L, 10L);
        reserve(30, 0);
        assertThat(refusedReservation(1).getDetail()).contains("10 used, 90 reserved, 1 requested, 0 left");
        assertBudgetDaysMatchTransfers();
    }

    /**
     * Proves: bad input on the budget account is refused per transfer and changes
     * nothing (zero and over-budget reservations, a post of more than reserved, a
     * debit of another tenant's budget account); a retry with the same transfer id
     * replays (EXISTS) without taking tokens twice; a posted (single-phase) debit counts
     * as used; a credit to the budget account gives no tokens.
     */
    @Test
    void badInputChangesNothingAndRetriesReplay() throws Exception {
        createTenantWithBudget(50);
        NewTransfer.Builder reservation = transfer(TransferKind.TRANSFER_KIND_PENDING, 20, 0);
        assertThat(post(reservation).get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        long rowsBefore = transferRows();

        assertThat(post(reservation).get(0).getResult()).as("a retry").isEqualTo(TransferResult.TRANSFER_RESULT_EXISTS);
        assertThat(post(transfer(TransferKind.TRANSFER_KIND_PENDING, 0, 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_INVALID_FIELD);
        assertThat(post(transfer(TransferKind.TRANSFER_KIND_PENDING, 31, 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_TOKEN_BUDGET);
        assertThat(post(settle(TransferKind.TRANSFER_KIND_POST_PENDING, reservation.getId(), 21)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_PENDING_TRANSFER_AMOUNT);
        String otherTenant = UUID.randomUUID().toString();
        assertThat(post(NewTransfer.newBuilder().setId(UUID.randomUUID().toString())
                .setKind(TransferKind.TRANSFER_KIND_PENDING).setAmount(1).setCode("agent.run")
                .setDebitAccountId(accountId(otherTenant, "tokens")).setCreditAccountId(accountId(tenant, "tokens-used")))
                .get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_DEBIT_ACCOUNT_NOT_FOUND);
        assertThat(transferRows()).isEqualTo(rowsBefore);
        assertThat(budgetDays()).containsExactly(20L, 0L);

        assertThat(post(NewTransfer.newBuilder().setId(UUID.randomUUID().toString()).setAmount(1_000)
                .setCode("refund").setDebitAccountId(accountId(tenant, "tokens-used"))
                .setCreditAccountId(accountId(tenant, "tokens"))).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(post(transfer(TransferKind.TRANSFER_KIND_POSTED, 30, 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(refusedReservation(1).getDetail()).contains("30 used, 20 reserved, 1 requested, 0 left");
        assertBudgetDaysMatchTransfers();
    }

    /**
     * Proves: over REST (the README's worked example) a reservation past the budget is
     * answered 200 with the result exceeds_token_budget, the field and the detail, and a
     * partial post_pending of a reservation frees the rest.
     */
    @Test
    void restAnswersExceedsTokenBudget() throws Exception {
        createTenantWithBudget(1_000);
        String run = UUID.randomUUID().toString();
        restTransfer(Map.of("id", run, "kind", "pending", "debit_account_id", accountId(tenant, "tokens"),
                "credit_account_id", accountId(tenant, "tokens-used"), "amount", 800, "timeout_seconds", 900,
                "code", "agent.run")).body("results[0].result", equalTo("ok"));
        restTransfer(Map.of("id", UUID.randomUUID().toString(), "kind", "pending",
                "debit_account_id", accountId(tenant, "tokens"), "credit_account_id", accountId(tenant, "tokens-used"),
                "amount", 201, "code", "agent.run"))
                .body("results[0].result", equalTo("exceeds_token_budget"))
                .body("results[0].field", equalTo("amount"))
                .body("results[0].detail", containsString("is 1000 tokens: 0 used, 800 reserved, 201 requested,"
                        + " 200 left"));
        restTransfer(Map.of("id", UUID.randomUUID().toString(), "kind", "post_pending", "pending_id", run,
                "amount", 520)).body("results[0].result", equalTo("ok"));
        assertThat(budgetDays()).containsExactly(0L, 520L);
    }

    private ValidatableResponse restTransfer(Map<String, Object> transfer) {
        return given().headers(TestCallers.ofTenant(tenant, "ledger-writer")).contentType("application/json")
                .body(Map.of("transfers", List.of(transfer))).when().post("/v1/transfers").then().statusCode(200);
    }

    /**
     * Proves: a new UTC day has the whole budget without anything run at midnight: a day
     * row holding the whole budget refuses a reservation while it is today's, and the
     * same row dated yesterday (as it will be after midnight) leaves the whole budget free.
     */
    @Test
    void theNextUtcDayHasTheWholeBudget() throws Exception {
        createTenantWithBudget(40);
        reserve(40, 0);
        refusedReservation(1);

        execute("UPDATE ledger.token_budget_days SET day = day - 1 WHERE tenant_id = ?::uuid", tenant);

        reserve(40, 0);
        assertThat(refusedReservation(1).getDetail()).contains("is 40 tokens: 0 used, 40 reserved, 1 requested");
    }

    /**
     * Proves: the tenant service's TenantCreated brings the tier's budget (STANDARD:
     * 5,000,000 tokens per day) with the default accounts, and its TenantUpdated changes
     * the budget within seconds: a real tenant lowered to 50 tokens reserves exactly 50,
     * raised to 80 exactly 30 more, lowered to 20 none (its reservations are still posted
     * in full); and an older version of the tenant, delivered late, changes nothing.
     */
    @Test
    void tenantUpdatedRaisesAndLowersTheBudget() throws Exception {
        useRealTenant();
        assertThat(tokensPerDay()).as("the STANDARD tier's tokens per day").isEqualTo(5_000_000);
        updateTokensPerDay(50);
        String reserved = reserve(50, 0).getId();
        refusedReservation(1);

        updateTokensPerDay(80);
        reserve(30, 0);
        refusedReservation(1);

        updateTokensPerDay(20);
        assertThat(refusedReservation(1).getDetail()).contains("is 20 tokens: 0 used, 80 reserved, 1 requested,"
                + " 0 left");
        assertThat(post(settle(TransferKind.TRANSFER_KIND_POST_PENDING, reserved, 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(budgetDays()).containsExactly(30L, 50L);

        OutboxEvent late = event(TenantUpdated.newBuilder().setTenant(tenantMessage(1_000_000, 1)).build());
        publish(late);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.inbox_events WHERE event_id = ?::uuid",
                late.eventId().toString()) == 1);
        assertThat(tokensPerDay()).isEqualTo(20);
    }

    /**
     * Proves: a tenant whose quota the tenant service has not sent has the configured
     * unknown-tenant budget (0): an account at its budget account's id takes no
     * reservation, and the refusal says why.
     */
    @Test
    void aTenantWithoutAQuotaHasTheUnknownTenantBudget() {
        open(CreateAccountRequest.newBuilder().setId(accountId(tenant, "tokens")).setCode("tokens").setUnit("TOKEN"));
        open(CreateAccountRequest.newBuilder().setId(accountId(tenant, "tokens-used")).setCode("tokens-used")
                .setUnit("TOKEN"));

        assertThat(refusedReservation(1).getDetail()).contains("is 0 tokens (the ledger's setting for tenants the"
                + " tenant service has not told it about yet)");
    }

    private void createTenantWithBudget(long tokensPerDay) throws Exception {
        publish(event(TenantCreated.newBuilder().setTenant(tenantMessage(tokensPerDay, 1)).build()));
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid",
                tenant) == DEFAULT_ACCOUNTS);
        assertThat(tokensPerDay()).isEqualTo(tokensPerDay);
    }

    private void updateTokensPerDay(long tokensPerDay) {
        TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(), TestCallers.platformAdmin()))
                .updateTenant(UpdateTenantRequest.newBuilder().setTenantId(tenant).setQuotas(Quotas.newBuilder()
                        .setRequestsPerMinute(6_000).setTokensPerDay(tokensPerDay).setStorageBytes(1L << 30))
                        .build());
        await().atMost(WAIT).until(() -> tokensPerDay() == tokensPerDay);
    }

    private TransferOutcome reserve(long tokens, int timeoutSeconds) {
        TransferOutcome outcome = post(transfer(TransferKind.TRANSFER_KIND_PENDING, tokens, timeoutSeconds)).get(0);
        assertThat(outcome.getResult()).as("%s", outcome.getDetail()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        return outcome;
    }

    private TransferOutcome refusedReservation(long tokens) {
        TransferOutcome outcome = post(transfer(TransferKind.TRANSFER_KIND_PENDING, tokens, 0)).get(0);
        assertThat(outcome.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_TOKEN_BUDGET);
        return outcome;
    }

    private NewTransfer.Builder transfer(TransferKind kind, long tokens, int timeoutSeconds) {
        return NewTransfer.newBuilder().setId(UUID.randomUUID().toString()).setKind(kind).setAmount(tokens)
                .setTimeoutSeconds(timeoutSeconds).setCode("agent.run")
                .setDebitAccountId(accountId(tenant, "tokens")).setCreditAccountId(accountId(tenant, "tokens-used"));
    }

    private static NewTransfer.Builder settle(TransferKind kind, String pendingId, long tokens) {
        return NewTransfer.newBuilder().setId(UUID.randomUUID().toString()).setKind(kind).setPendingId(pendingId)
                .setAmount(tokens);
    }

    private static String accountId(String tenantId, String code) {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenantId).orElseThrow(), code).toString();
    }

    /** Reserved and used over all of the tenant's budget days. */
    private List<Long> budgetDays() throws SQLException {
        return List.of(count("SELECT coalesce(sum(reserved), 0) FROM ledger.token_budget_days"
                        + " WHERE tenant_id = ?::uuid", tenant),
                count("SELECT coalesce(sum(used), 0) FROM ledger.token_budget_days WHERE tenant_id = ?::uuid",
                        tenant));
    }

    /** The budget days hold exactly what the budget account's transfers say is reserved (open) and used. */
    private void assertBudgetDaysMatchTransfers() throws SQLException {
        String budgetAccount = accountId(tenant, "tokens");
        long used = count("SELECT coalesce(sum(amount), 0) FROM ledger.transfers WHERE tenant_id = ?::uuid"
                + " AND debit_account_id = ?::uuid AND kind IN ('posted', 'post_pending')", tenant, budgetAccount);
        long reserved = count("SELECT coalesce(sum(amount), 0) FROM ledger.transfers p WHERE tenant_id = ?::uuid"
                + " AND debit_account_id = ?::uuid AND kind = 'pending' AND NOT EXISTS (SELECT 1 FROM"
                + " ledger.transfers s WHERE s.tenant_id = p.tenant_id AND s.pending_id = p.transfer_id)",
                tenant, budgetAccount);
        assertThat(budgetDays()).containsExactly(reserved, used);
    }

    private long tokensPerDay() throws SQLException {
        return count("SELECT coalesce(tokens_per_day, -1) FROM ledger.tenants WHERE tenant_id = ?::uuid", tenant);
    }

    private static void execute(String sql, Object... parameters) throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private Tenant tenantMessage(long tokensPerDay, long version) {
        return Tenant.newBuilder().setId(tenant).setSlug("t-" + tenant.substring(0, 8)).setVersion(version)
                .setQuotas(Quotas.newBuilder().setRequestsPerMinute(6_000).setTokensPerDay(tokensPerDay)
                        .setStorageBytes(1L << 30)).build();
    }

    private OutboxEvent event(Message payload) {
        return new OutboxEvent(UUID.randomUUID(), FleetTestResource.topicPrefix() + "tenant.tenants.v1",
                payload.getDescriptorForType().getFullName(), "/aicunet/tenant",
                TenantId.parse(tenant).orElseThrow(), tenant, Instant.now(), payload.toByteArray());
    }

    private void publish(OutboxEvent event) {
        publisher.publish(List.of(event)).await().atMost(Duration.ofSeconds(30));
    }
}
