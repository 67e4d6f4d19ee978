package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linked chains in one batch, on the real database: all or nothing per chain. */
@QuarkusTest
class LinkedChainTest extends LedgerTestBase {

    /**
     * Proves: when a chain member fails (here: the budget would be overdrawn), no
     * transfer of that chain is stored and no balance moves for it, the failing member
     * says why and the others say LINKED_EVENT_FAILED; the single transfer and the
     * second chain of the same batch are stored.
     */
    @Test
    void failingChainLeavesNoTraceAndOtherChainsCommit() throws Exception {
        Account funding = open(anAccount("CREDIT"));
        Account budget = open(aBudgetAccount("CREDIT"));
        Account usage = open(anAccount("CREDIT"));
        post(aTransfer(funding.getId(), budget.getId(), 100));

        NewTransfer.Builder[] batch = {
                aTransfer(budget.getId(), usage.getId(), 40).setLinked(true),
                aTransfer(budget.getId(), usage.getId(), 40).setLinked(true),
                aTransfer(budget.getId(), usage.getId(), 40),               // 120 > 100
                aTransfer(budget.getId(), usage.getId(), 10),               // single
                aTransfer(funding.getId(), budget.getId(), 5).setLinked(true),
                aTransfer(budget.getId(), usage.getId(), 45),               // chain: +5 then -45
        };
        List<TransferOutcome> outcomes = post(batch);

        assertThat(outcomes).extracting(TransferOutcome::getResult).containsExactly(
                TransferResult.TRANSFER_RESULT_LINKED_EVENT_FAILED,
                TransferResult.TRANSFER_RESULT_LINKED_EVENT_FAILED,
                TransferResult.TRANSFER_RESULT_EXCEEDS_CREDITS,
                TransferResult.TRANSFER_RESULT_OK,
                TransferResult.TRANSFER_RESULT_OK,
                TransferResult.TRANSFER_RESULT_OK);
        assertThat(outcomes.get(0).getDetail()).contains("transfer 2 of its linked chain failed");
        assertThat(outcomes.get(2).getDetail()).contains(budget.getId());
        for (int failed = 0; failed < 3; failed++) {
            String id = batch[failed].getId();
            assertThat(count("SELECT count(*) FROM ledger.transfers WHERE transfer_id = ?::uuid", id))
                    .as("failed chain member %s is not stored", id).isZero();
            assertThat(catchNotFound(id)).isTrue();
        }
        assertThat(balances(budget)).isEqualTo(balances(55, 105, 0, 0));
        assertThat(balances(usage)).isEqualTo(balances(0, 55, 0, 0));
        assertThat(transferRows()).isEqualTo(4);
    }

    /** Proves: a whole chain retried after it succeeded answers EXISTS for every member and moves nothing again. */
    @Test
    void succeededChainCanBeRetried() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        NewTransfer.Builder first = aTransfer(from.getId(), to.getId(), 3).setLinked(true);
        NewTransfer.Builder second = aTransfer(to.getId(), from.getId(), 1);
        assertThat(post(first, second)).extracting(TransferOutcome::getResult)
                .containsOnly(TransferResult.TRANSFER_RESULT_OK);

        assertThat(post(first, second)).extracting(TransferOutcome::getResult)
                .containsOnly(TransferResult.TRANSFER_RESULT_EXISTS);
        assertThat(balances(from)).isEqualTo(balances(3, 1, 0, 0));
        assertThat(transferRows()).isEqualTo(2);
    }

    private boolean catchNotFound(String transferId) {
        try {
            writer().getTransfer(GetTransferRequest.newBuilder().setTransferId(transferId).build());
            return false;
        } catch (StatusRuntimeException notFound) {
            return notFound.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND;
        }
    }
}
