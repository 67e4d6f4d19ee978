package io.aicunet.ledger.application.transfers;

import static io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.GroupedCalls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit of single calls (docs/group-commit.md): 64 concurrent callers, whose calls
 * the ledger posts together in shared transactions, each keep every semantic of a call
 * posted alone. Each test first checks that its calls were in fact grouped (fewer groups
 * than calls, from the service's own metric), so none passes by running them one by one.
 */
@QuarkusTest
class GroupCommitTest extends LedgerTestBase {

    private static final int CALLERS = GroupedCalls.CALLERS;

    @Inject
    MeterRegistry meters;

    private GroupedCalls calls;

    @BeforeEach
    void startCallers() {
        calls = GroupedCalls.start(meters, "ledger.transfers");
    }

    @AfterEach
    void stopCallers() {
        calls.close();
    }

    /**
     * Proves: 64 callers at once, each posting one transfer from one account that may not
     * go below its 1,000 credits (amounts of 1 to 64, 2,080 asked for in all), never
     * overdraw it: the accepted amounts sum to the account's debits, at most 1,000, each
     * refusal is EXCEEDS_CREDITS, and each caller hears the outcome of its own transfer
     * (its id and amount).
     */
    @Test
    void limitsHoldForSixtyFourConcurrentWritersAndEachHearsItsOwnTransfer() throws Exception {
        Account funding = open(anAccount("CREDIT"));
        Account hot = open(aBudgetAccount("CREDIT"));
        Account usage = open(anAccount("CREDIT"));
        assertThat(post(aTransfer(funding.getId(), hot.getId(), 1_000)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        List<NewTransfer> sent = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            sent.add(aTransfer(hot.getId(), usage.getId(), i + 1).build());
        }

        List<TransferOutcome> heard = calls.concurrently(i -> () -> single(writer(), sent.get(i)));

        long accepted = 0;
        for (int i = 0; i < CALLERS; i++) {
            TransferOutcome outcome = heard.get(i);
            assertThat(outcome.getIndex()).isZero();
            assertThat(outcome.getId()).isEqualTo(sent.get(i).getId());
            if (outcome.getResult() == TransferResult.TRANSFER_RESULT_OK) {
                assertThat(outcome.getTransfer().getAmount()).isEqualTo(sent.get(i).getAmount());
                accepted += outcome.getTransfer().getAmount();
            } else {
                assertThat(outcome.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_EXCEEDS_CREDITS);
            }
        }
        assertThat(accepted).isLessThanOrEqualTo(1_000).isGreaterThan(1_000 - CALLERS);
        assertThat(balances(hot)).isEqualTo(balances(accepted, 1_000, 0, 0));
        assertThat(balances(usage)).isEqualTo(balances(0, accepted, 0, 0));
        calls.assertGrouped();
    }

    /**
     * Proves: the same transfer sent by 64 callers at once is created once: exactly one
     * caller hears OK, every other EXISTS with that same transfer, and the balance moved
     * once; a 65th caller with the same id and another amount hears EXISTS_WITH_DIFFERENT_BODY.
     */
    @Test
    void oneTransferSentBySixtyFourCallersAtOnceIsCreatedOnce() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        NewTransfer transfer = aTransfer(from.getId(), to.getId(), 7).build();

        List<TransferOutcome> heard = calls.concurrently(i -> () -> single(writer(), transfer));

        assertThat(heard).filteredOn(o -> o.getResult() == TransferResult.TRANSFER_RESULT_OK).hasSize(1);
        assertThat(heard).filteredOn(o -> o.getResult() == TransferResult.TRANSFER_RESULT_EXISTS)
                .hasSize(CALLERS - 1)
                .allSatisfy(o -> assertThat(o.getTransfer().getTimestamp())
                        .isEqualTo(heard.stream().filter(h -> h.getResult() == TransferResult.TRANSFER_RESULT_OK)
                                .findFirst().orElseThrow().getTransfer().getTimestamp()));
        assertThat(balances(to)).isEqualTo(balances(0, 7, 0, 0));
        assertThat(single(writer(), transfer.toBuilder().setAmount(8).build()).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_BODY);
        calls.assertGrouped();
    }

    /**
     * Proves: linked chains stay within their call. Of 64 concurrent callers, the even ones
     * send a closed chain of two, the odd ones a chain left open (both transfers linked);
     * every closed chain is applied whole, every open one fails in its own call
     * (LINKED_EVENT_FAILED, LINKED_EVENT_CHAIN_OPEN) and is not closed by a neighbour's
     * transfers: only the closed chains' amounts moved.
     */
    @Test
    void linkedChainsStayWithinTheirOwnCall() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));

        List<List<TransferOutcome>> heard = calls.concurrently(i -> () -> writer().createTransfers(
                CreateTransfersRequest.newBuilder()
                        .addTransfers(aTransfer(from.getId(), to.getId(), 1).setLinked(true))
                        .addTransfers(aTransfer(from.getId(), to.getId(), 2).setLinked(i % 2 == 1))
                        .build()).getResultsList());

        for (int i = 0; i < CALLERS; i++) {
            assertThat(heard.get(i)).extracting(TransferOutcome::getResult).containsExactlyElementsOf(i % 2 == 0
                    ? List.of(TransferResult.TRANSFER_RESULT_OK, TransferResult.TRANSFER_RESULT_OK)
                    : List.of(TransferResult.TRANSFER_RESULT_LINKED_EVENT_FAILED,
                            TransferResult.TRANSFER_RESULT_LINKED_EVENT_CHAIN_OPEN));
        }
        assertThat(balances(to)).isEqualTo(balances(0, 3L * CALLERS / 2, 0, 0));
        calls.assertGrouped();
    }

    /**
     * Proves: a group holds one tenant. Two tenants' callers write at once; the second
     * tenant's callers each try to move money out of the first tenant's account by its id:
     * each hears DEBIT_ACCOUNT_NOT_FOUND, while the first tenant's own transfers (grouped
     * in the same moment) all apply, and the first tenant's balances show only them.
     */
    @Test
    void aGroupNeverSeesAnotherTenantsAccounts() throws Exception {
        Account victim = open(anAccount("CREDIT"));
        Account victimUsage = open(anAccount("CREDIT"));
        String intruder = UUID.randomUUID().toString();
        LedgerServiceBlockingStub intruderWriter = as(TestCallers.ofTenant(intruder, "ledger-writer"));
        Account intruderAccount = intruderWriter.createAccount(anAccount("CREDIT").build()).getAccount();

        List<TransferOutcome> heard = calls.concurrently(i -> () -> i % 2 == 0
                ? single(writer(), aTransfer(victim.getId(), victimUsage.getId(), 5).build())
                : single(intruderWriter, aTransfer(victim.getId(), intruderAccount.getId(), 5).build()));

        for (int i = 0; i < CALLERS; i++) {
            assertThat(heard.get(i).getResult()).isEqualTo(i % 2 == 0 ? TransferResult.TRANSFER_RESULT_OK
                    : TransferResult.TRANSFER_RESULT_DEBIT_ACCOUNT_NOT_FOUND);
        }
        assertThat(balances(victim)).isEqualTo(balances(5L * CALLERS / 2, 0, 0, 0));
        assertThat(intruderWriter.getAccount(io.aicunet.contracts.ledger.v1.GetAccountRequest.newBuilder()
                .setAccountId(intruderAccount.getId()).build()).getAccount().getBalances())
                .isEqualTo(balances(0, 0, 0, 0));
        assertThat(count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid", intruder)).isZero();
        calls.assertGrouped();
    }

    /**
     * Proves: a refusal that only the whole group could see (the storage quota, counted by
     * the database for the group's transaction) never becomes a neighbour's answer. A
     * tenant with a quota of 1,000 bytes gets 64 calls at once: 8 carry 200 bytes of
     * metadata each (1,600 in all), 56 carry none. All 56 are posted; of the 8, exactly 5
     * fit and 3 hear RESOURCE_EXHAUSTED; the tenant stores exactly 1,000 bytes.
     */
    @Test
    void aQuotaRefusalIsTheAnswerOfTheCallsOverItOnly() throws Exception {
        tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().setQuotas(Quotas.newBuilder().setRequestsPerMinute(100_000)
                        .setTokensPerDay(1_000_000).setStorageBytes(1_000)).build())
                .getTenant().getId();
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant) == DEFAULT_ACCOUNTS);
        String funding = defaultAccount("funding");
        String usage = defaultAccount("usage");

        List<Object> heard = calls.concurrently(i -> () -> {
            NewTransfer.Builder transfer = aTransfer(funding, usage, 1);
            if (i % 8 == 0) {
                transfer.putMetadata("k", "x".repeat(200 - 9));   // {"k": "xx..."}: 200 bytes as stored
            }
            try {
                return single(writer(), transfer.build());
            } catch (StatusRuntimeException refused) {
                return refused.getStatus().getCode();
            }
        });

        for (int i = 0; i < CALLERS; i++) {
            if (i % 8 != 0) {
                assertThat(heard.get(i)).isInstanceOf(TransferOutcome.class);
                assertThat(((TransferOutcome) heard.get(i)).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);
            }
        }
        List<Object> withMetadata = new ArrayList<>();
        for (int i = 0; i < CALLERS; i += 8) {
            withMetadata.add(heard.get(i));
        }
        assertThat(withMetadata).filteredOn(TransferOutcome.class::isInstance).hasSize(5)
                .allSatisfy(o -> assertThat(((TransferOutcome) o).getResult())
                        .isEqualTo(TransferResult.TRANSFER_RESULT_OK));
        assertThat(withMetadata).filteredOn(Status.Code.class::isInstance).hasSize(3)
                .containsOnly(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(count("SELECT coalesce(sum(bytes), 0) FROM ledger.tenant_storage WHERE tenant_id = ?::uuid",
                tenant)).isEqualTo(1_000);
        assertThat(transferRows()).isEqualTo(CALLERS - 3);
        calls.assertGrouped();
    }

    /** The outcome of a call of one transfer. */
    private static TransferOutcome single(LedgerServiceBlockingStub stub, NewTransfer transfer) {
        List<TransferOutcome> outcomes = stub.createTransfers(CreateTransfersRequest.newBuilder()
                .addTransfers(transfer).build()).getResultsList();
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }




    private String defaultAccount(String code) {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), code).toString();
    }
}
