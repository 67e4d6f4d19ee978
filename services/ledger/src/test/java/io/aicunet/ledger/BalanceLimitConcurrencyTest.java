package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount;
import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Balance limits under contention: many writers, one hot account. */
@QuarkusTest
class BalanceLimitConcurrencyTest extends LedgerTestBase {

    private static final int WRITERS = 64;
    private static final int CALLS_PER_WRITER = 12;
    private static final long FUNDED = 1_000;

    /**
     * Proves: 64 concurrent writers, each sending 12 calls of 3 transfers (2,304
     * attempts, amounts 1 to 3, some of them pending reservations) against one account
     * that may not go below zero and holds 1,000, never overdraw it: every credit is
     * spent exactly (debits posted + pending = 1,000), the sum of the accepted amounts
     * equals the account's debits, every refusal is EXCEEDS_CREDITS, and the usage
     * account received exactly what was posted.
     */
    @Test
    void sixtyFourWritersNeverOverdrawOneHotAccount() throws Exception {
        Account funding = open(anAccount("CREDIT"));
        Account hot = open(aBudgetAccount("CREDIT"));
        Account usage = open(anAccount("CREDIT"));
        assertThat(post(aTransfer(funding.getId(), hot.getId(), FUNDED)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);

        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<List<TransferOutcome>>> calls = new ArrayList<>();
        try {
            for (int writer = 0; writer < WRITERS; writer++) {
                int seed = writer;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    awaitStart(start);
                    List<TransferOutcome> outcomes = new ArrayList<>();
                    for (int call = 0; call < CALLS_PER_WRITER; call++) {
                        CreateTransfersRequest.Builder batch = CreateTransfersRequest.newBuilder();
                        for (int i = 0; i < 3; i++) {
                            long amount = 1 + (seed + call + i) % 3;
                            batch.addTransfers((seed + i) % 4 == 0
                                    ? aPendingTransfer(hot.getId(), usage.getId(), amount, 0)
                                    : aTransfer(hot.getId(), usage.getId(), amount));
                        }
                        outcomes.addAll(writer().createTransfers(batch.build()).getResultsList());
                    }
                    return outcomes;
                }, writers));
            }
            start.countDown();
            long acceptedPosted = 0;
            long acceptedPending = 0;
            int refused = 0;
            for (CompletableFuture<List<TransferOutcome>> call : calls) {
                for (TransferOutcome outcome : call.get(120, TimeUnit.SECONDS)) {
                    if (outcome.getResult() == TransferResult.TRANSFER_RESULT_OK) {
                        if (outcome.getTransfer().getKind()
                                == io.aicunet.contracts.ledger.v1.TransferKind.TRANSFER_KIND_PENDING) {
                            acceptedPending += outcome.getTransfer().getAmount();
                        } else {
                            acceptedPosted += outcome.getTransfer().getAmount();
                        }
                    } else {
                        assertThat(outcome.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_CREDITS);
                        refused++;
                    }
                }
            }

            var hotBalances = balances(hot);
            assertThat(hotBalances.getDebitsPosted() + hotBalances.getDebitsPending())
                    .as("never more debits than the 1,000 credits").isLessThanOrEqualTo(FUNDED);
            assertThat(hotBalances.getDebitsPosted()).isEqualTo(acceptedPosted);
            assertThat(hotBalances.getDebitsPending()).isEqualTo(acceptedPending);
            assertThat(acceptedPosted + acceptedPending).as("amounts of 1 to 3 use up the budget").isGreaterThan(FUNDED - 3);
            assertThat(refused).isGreaterThan(0);
            assertThat(balances(usage)).isEqualTo(balances(0, acceptedPosted, 0, acceptedPending));
            assertThat(count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid AND debit_account_id = ?::uuid",
                    tenant, hot.getId())).isEqualTo(calls.stream().flatMap(c -> c.join().stream())
                    .filter(o -> o.getResult() == TransferResult.TRANSFER_RESULT_OK).count());
        } finally {
            writers.shutdownNow();
        }
    }

    private static void awaitStart(CountDownLatch start) {
        try {
            if (!start.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the writers were never started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
