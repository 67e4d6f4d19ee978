package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The largest batch, end to end. */
@QuarkusTest
class LargeBatchTest extends LedgerTestBase {

    /**
     * Proves: one call of 8,190 transfers over 8 accounts answers 8,190 results in
     * request order, all OK, stores 8,190 rows and one outbox event per transfer, and
     * leaves exact balances.
     */
    @Test
    void maximumBatchIsAppliedWhole() throws Exception {
        Account[] accounts = new Account[8];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = open(anAccount("TOKEN"));
        }
        CreateTransfersRequest.Builder batch = CreateTransfersRequest.newBuilder();
        for (int i = 0; i < 8_190; i++) {
            batch.addTransfers(aTransfer(accounts[i % 8].getId(), accounts[(i + 1) % 8].getId(), 1 + i % 5));
        }

        List<TransferOutcome> outcomes = writer().createTransfers(batch.build()).getResultsList();

        assertThat(outcomes).hasSize(8_190);
        assertThat(outcomes).extracting(TransferOutcome::getResult).containsOnly(TransferResult.TRANSFER_RESULT_OK);
        for (int i = 0; i < outcomes.size(); i += 1_000) {
            assertThat(outcomes.get(i).getIndex()).isEqualTo(i);
            assertThat(outcomes.get(i).getId()).isEqualTo(batch.getTransfers(i).getId());
        }
        assertThat(transferRows()).isEqualTo(8_190);
        long total = 0;
        for (int i = 0; i < 8_190; i++) {
            total += 1 + i % 5;
        }
        long debits = 0;
        long credits = 0;
        for (Account account : accounts) {
            var balances = balances(account);
            debits += balances.getDebitsPosted();
            credits += balances.getCreditsPosted();
        }
        assertThat(debits).isEqualTo(total);
        assertThat(credits).isEqualTo(total);
    }
}
