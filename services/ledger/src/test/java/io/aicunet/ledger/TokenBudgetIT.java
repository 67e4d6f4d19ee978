package io.aicunet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's daily token budget across two real replicas: two processes of the
 * packaged ledger on one database of their own, following the same tenant topic,
 * reserving and posting tokens for the same tenant at once.
 */
class TokenBudgetIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long BUDGET = 100;

    private static TestDatabase database;
    private static ServiceProcess first;
    private static ServiceProcess second;
    private static ManagedChannel toFirst;
    private static ManagedChannel toSecond;
    private static String topicPrefix;

    @BeforeAll
    static void start() {
        FleetStack.ensureRunning();
        database = TestDatabase.create("ledger");
        topicPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> config = ServiceProcess.fleetSettings(database, topicPrefix);
        first = ServiceProcess.start("ledger", config);
        second = ServiceProcess.start("ledger", config);
        toFirst = first.channel();
        toSecond = second.channel();
        warmUp(toFirst);
        warmUp(toSecond);
    }

    /**
     * A fresh replica's first calls pay for its cold start (JIT, the first connections to
     * OPA and Redis) and may outlast the limits policy's deadline (UNAVAILABLE, nothing
     * changed); the race below is about the budget, not that. Reads of an account that does
     * not exist, as another tenant, so neither this test's tenant nor its rate is touched.
     */
    private static void warmUp(ManagedChannel channel) {
        String other = UUID.randomUUID().toString();
        LedgerServiceBlockingStub reader = writer(channel, other);
        for (int i = 0; i < 10; i++) {
            try {
                reader.getAccount(GetAccountRequest.newBuilder().setTenantId(other)
                        .setAccountId(UUID.randomUUID().toString()).build());
            } catch (StatusRuntimeException notFoundOrColdStart) {
                // NOT_FOUND is the answer; UNAVAILABLE is the cold start this waits out.
            }
        }
    }

    @AfterAll
    static void stop() {
        for (ManagedChannel channel : new ManagedChannel[] {toFirst, toSecond}) {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
        for (ServiceProcess replica : new ServiceProcess[] {first, second}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (database != null) {
            database.drop();
        }
    }

    /**
     * Proves: 20 reservations of 7 tokens sent at once, half through each replica,
     * reserve exactly 14 (98 of a budget of 100) and refuse the other 6 with
     * EXCEEDS_TOKEN_BUDGET; then posts of 3 tokens of each reservation (freeing 4 each)
     * racing 16 new reservations of 5 tokens on both replicas never take the day past
     * the budget, and afterwards exactly what is left can be reserved, one more token
     * not. The budget day holds exactly what the tenant's transfers say throughout.
     * (52 calls in all: within the request rate a tenant unknown to the tenant service
     * gets, so the rate limiter does not decide the outcome.)
     */
    @Test
    void twoReplicasNeverReserveMoreThanTheBudget() throws Exception {
        String tenant = UUID.randomUUID().toString();
        createTenant(tenant);

        List<Callable<TransferOutcome>> reservations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            LedgerServiceBlockingStub replica = writer(i % 2 == 0 ? toFirst : toSecond, tenant);
            reservations.add(() -> one(replica, reservation(tenant, 7)));
        }
        List<TransferOutcome> reserved = runAtOnce(reservations);
        assertThat(reserved).filteredOn(o -> o.getResult() == TransferResult.TRANSFER_RESULT_OK).hasSize(14);
        assertThat(reserved).filteredOn(o -> o.getResult() == TransferResult.TRANSFER_RESULT_EXCEEDS_TOKEN_BUDGET)
                .hasSize(6);
        assertThat(day(tenant)).containsExactly(98L, 0L);
        assertDayMatchesTransfers(tenant);

        List<Callable<TransferOutcome>> racing = new ArrayList<>();
        int i = 0;
        for (TransferOutcome outcome : reserved) {
            if (outcome.getResult() == TransferResult.TRANSFER_RESULT_OK) {
                LedgerServiceBlockingStub replica = writer(i++ % 2 == 0 ? toFirst : toSecond, tenant);
                racing.add(() -> one(replica, NewTransfer.newBuilder().setId(UUID.randomUUID().toString())
                        .setKind(TransferKind.TRANSFER_KIND_POST_PENDING).setPendingId(outcome.getId()).setAmount(3)));
            }
        }
        for (int n = 0; n < 16; n++) {
            LedgerServiceBlockingStub replica = writer(n % 2 == 0 ? toSecond : toFirst, tenant);
            racing.add(() -> one(replica, reservation(tenant, 5)));
        }
        List<TransferOutcome> raced = runAtOnce(racing);
        assertThat(raced.subList(0, 14)).extracting(TransferOutcome::getResult)
                .containsOnly(TransferResult.TRANSFER_RESULT_OK);
        long newReservations = raced.subList(14, raced.size()).stream()
                .filter(o -> o.getResult() == TransferResult.TRANSFER_RESULT_OK).count();
        assertThat(raced.subList(14, raced.size())).extracting(TransferOutcome::getResult)
                .containsOnly(TransferResult.TRANSFER_RESULT_OK, TransferResult.TRANSFER_RESULT_EXCEEDS_TOKEN_BUDGET);
        List<Long> day = day(tenant);
        assertThat(day.get(1)).as("used").isEqualTo(14 * 3);
        assertThat(day.get(0)).as("reserved").isEqualTo(newReservations * 5);
        assertThat(day.get(0) + day.get(1)).as("never past the budget").isLessThanOrEqualTo(BUDGET);
        assertDayMatchesTransfers(tenant);

        long left = BUDGET - day.get(0) - day.get(1);
        if (left > 0) {
            assertThat(one(writer(toFirst, tenant), reservation(tenant, left)).getResult())
                    .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        }
        TransferOutcome refused = one(writer(toSecond, tenant), reservation(tenant, 1));
        assertThat(refused.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_TOKEN_BUDGET);
        assertThat(refused.getDetail()).contains("is 100 tokens: 42 used, 58 reserved, 1 requested, 0 left");
        assertDayMatchesTransfers(tenant);
    }

    /** Publishes the tenant service's TenantCreated with a budget of 100 and waits until the ledger applied it. */
    private static void createTenant(String tenant) throws Exception {
        Tenant created = Tenant.newBuilder().setId(tenant).setSlug("t-" + tenant.substring(0, 8)).setVersion(1)
                .setQuotas(Quotas.newBuilder().setRequestsPerMinute(6_000).setTokensPerDay(BUDGET)
                        .setStorageBytes(1L << 30)).build();
        try (KafkaEventPublisher publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(),
                Map.of())) {
            publisher.publish(List.of(new OutboxEvent(UUID.randomUUID(), topicPrefix + "tenant.tenants.v1",
                    TenantCreated.getDescriptor().getFullName(), "/aicunet/tenant",
                    TenantId.parse(tenant).orElseThrow(), tenant, Instant.now(),
                    TenantCreated.newBuilder().setTenant(created).build().toByteArray())))
                    .await().atMost(Duration.ofSeconds(30));
        }
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.tenants WHERE tenant_id = ?::uuid"
                + " AND tokens_per_day = " + BUDGET, tenant) == 1
                && count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant) == 5);
    }

    private static List<TransferOutcome> runAtOnce(List<Callable<TransferOutcome>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<TransferOutcome> outcomes = new ArrayList<>();
            for (Future<TransferOutcome> outcome : threads.invokeAll(calls, 120, TimeUnit.SECONDS)) {
                outcomes.add(outcome.get());
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }

    private static TransferOutcome one(LedgerServiceBlockingStub replica, NewTransfer.Builder transfer) {
        return replica.createTransfers(CreateTransfersRequest.newBuilder().addTransfers(transfer).build())
                .getResults(0);
    }

    private static NewTransfer.Builder reservation(String tenant, long tokens) {
        return NewTransfer.newBuilder().setId(UUID.randomUUID().toString()).setKind(TransferKind.TRANSFER_KIND_PENDING)
                .setAmount(tokens).setCode("agent.run").setDebitAccountId(accountId(tenant, "tokens"))
                .setCreditAccountId(accountId(tenant, "tokens-used"));
    }

    private static LedgerServiceBlockingStub writer(ManagedChannel channel, String tenant) {
        return LedgerServiceGrpc.newBlockingStub(TestCallers.as(channel, TestCallers.ofTenant(tenant, "ledger-writer")))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static String accountId(String tenant, String code) {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), code).toString();
    }

    /** Reserved and used over the tenant's budget days. */
    private static List<Long> day(String tenant) throws SQLException {
        return List.of(count("SELECT coalesce(sum(reserved), 0) FROM ledger.token_budget_days"
                        + " WHERE tenant_id = ?::uuid", tenant),
                count("SELECT coalesce(sum(used), 0) FROM ledger.token_budget_days WHERE tenant_id = ?::uuid",
                        tenant));
    }

    /** The budget days hold exactly the open reservations and the posted tokens of the budget account. */
    private static void assertDayMatchesTransfers(String tenant) throws SQLException {
        String budgetAccount = accountId(tenant, "tokens");
        long used = count("SELECT coalesce(sum(amount), 0) FROM ledger.transfers WHERE tenant_id = ?::uuid"
                + " AND debit_account_id = '" + budgetAccount + "' AND kind IN ('posted', 'post_pending')", tenant);
        long reserved = count("SELECT coalesce(sum(amount), 0) FROM ledger.transfers p WHERE tenant_id = ?::uuid"
                + " AND debit_account_id = '" + budgetAccount + "' AND kind = 'pending' AND NOT EXISTS (SELECT 1"
                + " FROM ledger.transfers s WHERE s.tenant_id = p.tenant_id AND s.pending_id = p.transfer_id)", tenant);
        assertThat(day(tenant)).containsExactly(reserved, used);
    }

    private static long count(String sql, String tenant) throws SQLException {
        try (Connection db = database.connectAsSuperuser(); PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setObject(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
