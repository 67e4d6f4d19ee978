package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateAccountResponse;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Client-chosen ids as idempotency keys: one id, one transfer, whatever the retries. */
@QuarkusTest
class TransferIdempotencyTest extends LedgerTestBase {

    /**
     * Proves: the same id with the same body answers EXISTS, replayed, with the first
     * transfer (same server timestamp), and writes no second row nor moves money twice.
     */
    @Test
    void sameIdSameBodyReplaysTheFirstResult() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        NewTransfer.Builder transfer = aTransfer(from.getId(), to.getId(), 25).putMetadata("model", "gpt");

        TransferOutcome first = post(transfer).get(0);
        TransferOutcome retry = post(transfer).get(0);

        assertThat(first.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        assertThat(first.getReplayed()).isFalse();
        assertThat(retry.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXISTS);
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getTransfer()).isEqualTo(first.getTransfer());
        assertThat(transferRows()).isEqualTo(1);
        assertThat(balances(from)).isEqualTo(balances(25, 0, 0, 0));
    }

    /** Proves: the same id with another body is EXISTS_WITH_DIFFERENT_BODY and changes nothing. */
    @Test
    void sameIdDifferentBodyIsConflict() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        NewTransfer.Builder transfer = aTransfer(from.getId(), to.getId(), 25);
        post(transfer);

        TransferOutcome conflict = post(transfer.clone().setAmount(26)).get(0);

        assertThat(conflict.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_BODY);
        assertThat(conflict.getField()).isEqualTo("id");
        assertThat(conflict.hasTransfer()).isFalse();
        assertThat(transferRows()).isEqualTo(1);
        assertThat(balances(from)).isEqualTo(balances(25, 0, 0, 0));
    }

    /**
     * Proves: eight concurrent retries of one batch of 50 transfers create each transfer
     * once: per transfer exactly one OK across the retries, and balances moved once.
     */
    @Test
    void concurrentRetriesCreateEachTransferOnce() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        CreateTransfersRequest.Builder batch = CreateTransfersRequest.newBuilder();
        for (int i = 0; i < 50; i++) {
            batch.addTransfers(aTransfer(from.getId(), to.getId(), 1));
        }
        CreateTransfersRequest request = batch.build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<List<TransferOutcome>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> writer().createTransfers(request).getResultsList(), pool));
            }
            long ok = 0;
            for (CompletableFuture<List<TransferOutcome>> call : calls) {
                List<TransferOutcome> outcomes = call.get(60, TimeUnit.SECONDS);
                assertThat(outcomes).extracting(TransferOutcome::getResult).isSubsetOf(
                        TransferResult.TRANSFER_RESULT_OK, TransferResult.TRANSFER_RESULT_EXISTS);
                ok += outcomes.stream().filter(o -> o.getResult() == TransferResult.TRANSFER_RESULT_OK).count();
            }
            assertThat(ok).isEqualTo(50);
            assertThat(transferRows()).isEqualTo(50);
            assertThat(balances(to)).isEqualTo(balances(0, 50, 0, 0));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Proves: accounts are idempotent by id too: same body replays, another body is ALREADY_EXISTS. */
    @Test
    void accountIdsAreIdempotent() {
        var account = anAccount("TOKEN");
        CreateAccountResponse first = writer().createAccount(account.build());
        CreateAccountResponse retry = writer().createAccount(account.build());
        assertThat(first.getReplayed()).isFalse();
        assertThat(retry.getReplayed()).isTrue();
        assertThat(retry.getAccount()).isEqualTo(first.getAccount());

        StatusRuntimeException conflict = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> writer().createAccount(account.setUnit("CREDIT").build()));
        assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(conflict.getStatus().getDescription()).contains(first.getAccount().getId());
    }
}
