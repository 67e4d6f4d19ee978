package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceRequest;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceResponse;
import io.aicunet.contracts.ledger.v1.ListAccountTransfersRequest;
import io.aicunet.contracts.ledger.v1.ListAccountTransfersResponse;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Balances as of past times, and the account statement. */
@QuarkusTest
class BalanceHistoryTest extends LedgerTestBase {

    /**
     * Proves: the balance as of any past time is the one left by the account's last
     * transfer at or before it (debit side and credit side alike), including pending
     * balances; before the first transfer it is zero; unset as_of is now.
     */
    @Test
    void balanceAsOfPastTimes() {
        Account account = open(anAccount("EUR_CENT"));
        Account other = open(anAccount("EUR_CENT"));
        Transfer first = post(aTransfer(other.getId(), account.getId(), 500)).get(0).getTransfer();
        Transfer second = post(aTransfer(account.getId(), other.getId(), 120)).get(0).getTransfer();
        Transfer third = post(aPendingTransfer(account.getId(), other.getId(), 30, 0)).get(0).getTransfer();
        Transfer fourth = post(aTransfer(other.getId(), account.getId(), 7)).get(0).getTransfer();

        assertThat(balanceAsOf(account, minusMicros(first.getTimestamp())).getBalances())
                .isEqualTo(balances(0, 0, 0, 0));
        assertThat(balanceAsOf(account, minusMicros(first.getTimestamp())).hasLastTransferAt()).isFalse();
        assertThat(balanceAsOf(account, first.getTimestamp()).getBalances()).isEqualTo(balances(0, 500, 0, 0));
        assertThat(balanceAsOf(account, minusMicros(second.getTimestamp())).getBalances())
                .isEqualTo(balances(0, 500, 0, 0));
        assertThat(balanceAsOf(account, second.getTimestamp()).getBalances()).isEqualTo(balances(120, 500, 0, 0));
        assertThat(balanceAsOf(account, third.getTimestamp()).getBalances()).isEqualTo(balances(120, 500, 30, 0));
        GetAccountBalanceResponse atFourth = balanceAsOf(account, fourth.getTimestamp());
        assertThat(atFourth.getBalances()).isEqualTo(balances(120, 507, 30, 0));
        assertThat(atFourth.getLastTransferAt()).isEqualTo(fourth.getTimestamp());
        assertThat(writer().getAccountBalance(GetAccountBalanceRequest.newBuilder().setAccountId(account.getId())
                .build()).getBalances()).isEqualTo(balances(120, 507, 30, 0));
        assertThat(balanceAsOf(other, second.getTimestamp()).getBalances()).isEqualTo(balances(500, 120, 0, 0));
    }

    /**
     * Proves: the statement lists the account's transfers of both sides in timestamp
     * order, page by page with a bounded page size, without skipping or repeating one,
     * and a page size over the maximum is refused.
     */
    @Test
    void statementPagesThroughBothSides() {
        Account account = open(anAccount("TOKEN"));
        Account other = open(anAccount("TOKEN"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            TransferOutcome outcome = post(i % 2 == 0
                    ? aTransfer(account.getId(), other.getId(), i + 1)
                    : aTransfer(other.getId(), account.getId(), i + 1)).get(0);
            expected.add(outcome.getId());
        }

        List<String> listed = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListAccountTransfersResponse page = writer().listAccountTransfers(ListAccountTransfersRequest.newBuilder()
                    .setAccountId(account.getId()).setPageSize(3).setPageToken(token).build());
            assertThat(page.getTransfersCount()).isLessThanOrEqualTo(3);
            page.getTransfersList().forEach(t -> listed.add(t.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);

        assertThat(listed).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer().listAccountTransfers(
                        ListAccountTransfersRequest.newBuilder().setAccountId(account.getId()).setPageSize(1001).build()))
                .hasMessageContaining("page_size");
    }

    private GetAccountBalanceResponse balanceAsOf(Account account, Timestamp asOf) {
        return writer().getAccountBalance(GetAccountBalanceRequest.newBuilder()
                .setAccountId(account.getId()).setAsOf(asOf).build());
    }

    private static Timestamp minusMicros(Timestamp timestamp) {
        long nanos = timestamp.getSeconds() * 1_000_000_000L + timestamp.getNanos() - 1_000;
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
                .setNanos((int) Math.floorMod(nanos, 1_000_000_000L)).build();
    }
}
