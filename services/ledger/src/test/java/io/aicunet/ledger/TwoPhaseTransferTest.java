package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount;
import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aPost;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aVoid;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.PendingExpired;
import io.aicunet.contracts.ledger.v1.PendingPosted;
import io.aicunet.contracts.ledger.v1.TransferCreated;
import io.aicunet.contracts.ledger.v1.TransferKind;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.ledger.application.contract.LedgerEvents;
import io.aicunet.ledger.application.transfers.ExpirePendingTransfers;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Reserve, then post or void; or let the reservation expire, exactly once. */
@QuarkusTest
class TwoPhaseTransferTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ExpirePendingTransfers expirePendingTransfers;

    /**
     * Proves: a pending transfer reserves against the limit (a debit that would pass it
     * is refused), a partial post moves the posted part and releases the rest, and the
     * transfers are announced as TransferCreated and PendingPosted on ledger.transfers.v1.
     */
    @Test
    void pendingReservesAndPartialPostReleasesTheRest() throws Exception {
        Account funding = open(anAccount("CREDIT"));
        Account budget = open(aBudgetAccount("CREDIT"));
        Account usage = open(anAccount("CREDIT"));
        post(aTransfer(funding.getId(), budget.getId(), 100));

        TransferOutcome reserved = post(aPendingTransfer(budget.getId(), usage.getId(), 70, 0)).get(0);
        assertThat(reserved.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(balances(budget)).isEqualTo(balances(0, 100, 70, 0));
        assertThat(post(aTransfer(budget.getId(), usage.getId(), 31)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_CREDITS);

        TransferOutcome posted = post(aPost(reserved.getId(), 45)).get(0);
        assertThat(posted.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(posted.getTransfer().getKind()).isEqualTo(TransferKind.TRANSFER_KIND_POST_PENDING);
        assertThat(posted.getTransfer().getPendingId()).isEqualTo(reserved.getId());
        assertThat(posted.getTransfer().getDebitAccountId()).isEqualTo(budget.getId());
        assertThat(balances(budget)).isEqualTo(balances(45, 100, 0, 0));
        assertThat(balances(usage)).isEqualTo(balances(0, 45, 0, 0));
        assertThat(post(aPost(reserved.getId(), 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_POSTED);
        assertThat(post(aVoid(reserved.getId())).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_POSTED);

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + LedgerEvents.TOPIC)) {
            List<ConsumerRecord<String, byte[]>> mine = reader.readUntil(records -> records.stream()
                    .filter(r -> r.key().equals(tenant)).count() >= 3, WAIT).stream()
                    .filter(r -> r.key().equals(tenant)).toList();
            ReceivedEvent pendingEvent = ReceivedEvent.from(mine.get(1));
            assertThat(pendingEvent.type()).isEqualTo("aicunet.ledger.v1.TransferCreated");
            assertThat(pendingEvent.subject()).isEqualTo(reserved.getId());
            // Its id is the transfer's own (tenant, transfer id), not a random one: the same
            // transfer created again after a failover lost it is announced under the same id.
            assertThat(pendingEvent.eventId()).isEqualTo(Outbox.derivedEventId("/aicunet/ledger",
                    FleetTestResource.topicPrefix() + LedgerEvents.TOPIC, "aicunet.ledger.v1.TransferCreated",
                    new TenantId(UUID.fromString(tenant)), reserved.getId()));
            assertThat(TransferCreated.parseFrom(pendingEvent.payload()).getTransfer()).isEqualTo(reserved.getTransfer());
            ReceivedEvent postEvent = ReceivedEvent.from(mine.get(2));
            assertThat(postEvent.type()).isEqualTo("aicunet.ledger.v1.PendingPosted");
            assertThat(PendingPosted.parseFrom(postEvent.payload()).getTransfer().getAmount()).isEqualTo(45);
        }
    }

    /** Proves: a void releases the whole reservation, and a voided transfer cannot be posted. */
    @Test
    void voidReleasesTheReservation() {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        TransferOutcome reserved = post(aPendingTransfer(from.getId(), to.getId(), 12, 0)).get(0);

        assertThat(post(aVoid(reserved.getId())).get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(balances(from)).isEqualTo(balances(0, 0, 0, 0));
        assertThat(balances(to)).isEqualTo(balances(0, 0, 0, 0));
        assertThat(post(aPost(reserved.getId(), 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_VOIDED);
    }

    /**
     * Proves: a pending transfer with a 1 s timeout expires by itself (the scheduled
     * job): its reservation is released, one expire_pending row names it, a
     * PendingExpired event is published, and posting it afterwards is refused as expired.
     */
    @Test
    void timeoutExpiresTheReservationOnce() throws Exception {
        Account from = open(aBudgetAccount("CREDIT"));
        Account funding = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        post(aTransfer(funding.getId(), from.getId(), 10));
        TransferOutcome reserved = post(aPendingTransfer(from.getId(), to.getId(), 10, 1)).get(0);
        assertThat(reserved.getTransfer().hasExpiresAt()).isTrue();
        assertThat(balances(from)).isEqualTo(balances(0, 10, 10, 0));

        await().atMost(WAIT).untilAsserted(() -> assertThat(balances(from)).isEqualTo(balances(0, 10, 0, 0)));
        assertThat(balances(to)).isEqualTo(balances(0, 0, 0, 0));
        assertThat(count("SELECT count(*) FROM ledger.transfers WHERE pending_id = ?::uuid AND kind = 'expire_pending'",
                reserved.getId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ledger.pending_timeouts WHERE transfer_id = ?::uuid",
                reserved.getId())).isZero();
        assertThat(post(aPost(reserved.getId(), 0)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_PENDING_TRANSFER_EXPIRED);

        try (TopicReader reader = new TopicReader(FleetTestResource.topicPrefix() + LedgerEvents.TOPIC)) {
            ConsumerRecord<String, byte[]> expired = reader.readUntil(records -> records.stream().anyMatch(
                            r -> r.key().equals(tenant) && isExpiry(r)), WAIT).stream()
                    .filter(r -> r.key().equals(tenant) && isExpiry(r)).findFirst().orElseThrow();
            assertThat(PendingExpired.parseFrom(expired.value()).getTransfer().getPendingId())
                    .isEqualTo(reserved.getId());
        }
    }

    /**
     * Proves: with four replicas' expiry passes looping at once (plus the scheduled
     * one, a fifth), 40 pending transfers that fall due together are each expired
     * exactly once: no pass fails, one expiry row names each, and every reservation is
     * released.
     */
    @Test
    void concurrentExpiryPassesExpireEachOnce() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        List<NewTransfer.Builder> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(aPendingTransfer(from.getId(), to.getId(), 1, 1));
        }
        List<String> pendingIds = post(batch.toArray(NewTransfer.Builder[]::new)).stream()
                .map(TransferOutcome::getId).toList();

        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Integer>> passes = new ArrayList<>();
            for (int replica = 0; replica < 4; replica++) {
                passes.add(CompletableFuture.supplyAsync(this::expireUntilNoneLeft, replicas));
            }
            int expiredByPasses = 0;
            for (CompletableFuture<Integer> pass : passes) {
                expiredByPasses += pass.get(60, TimeUnit.SECONDS);
            }
            assertThat(expiredByPasses).isLessThanOrEqualTo(40);
        } finally {
            replicas.shutdownNow();
        }

        assertThat(balances(from)).isEqualTo(balances(0, 0, 0, 0));
        assertThat(balances(to)).isEqualTo(balances(0, 0, 0, 0));
        assertThat(count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid AND kind = 'expire_pending'",
                tenant)).isEqualTo(40);
        assertThat(count("SELECT count(DISTINCT pending_id) FROM ledger.transfers"
                + " WHERE tenant_id = ?::uuid AND kind = 'expire_pending'", tenant)).isEqualTo(40);
        assertThat(count("SELECT count(*) FROM ledger.transfers t WHERE tenant_id = ?::uuid AND kind = 'pending'"
                + " AND NOT EXISTS (SELECT 1 FROM ledger.transfers e WHERE e.tenant_id = t.tenant_id"
                + " AND e.pending_id = t.transfer_id)", tenant)).isZero();
        assertThat(pendingIds).hasSize(40);
    }

    /** One replica: expiry passes until this test's 40 pending transfers are settled; how many it expired. */
    private int expireUntilNoneLeft() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int expired = 0;
        try {
            while (count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid AND kind = 'expire_pending'",
                    tenant) < 40) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("pending transfers were not all expired within " + WAIT);
                }
                expired += expirePendingTransfers.expireDue().await().atMost(WAIT);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return expired;
    }

    private static boolean isExpiry(ConsumerRecord<String, byte[]> record) {
        return ReceivedEvent.from(record).type().equals("aicunet.ledger.v1.PendingExpired");
    }
}
