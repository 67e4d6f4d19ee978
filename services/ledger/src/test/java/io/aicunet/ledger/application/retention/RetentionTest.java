package io.aicunet.ledger.application.retention;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CloseAccountRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.VerifyInvariantRequest;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.tenants.ApplyTenantEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The retention job on the real stack: personal data older than the tenant's period for
 * personal data goes; younger personal data, and the accounting data (accounts,
 * transfers, amounts, balances, plain metadata) stay.
 */
@QuarkusTest
class RetentionTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EnforceRetention enforceRetention;

    /**
     * Proves: a pass run as if 400 days had passed removes, for a tenant keeping personal
     * data 365 days (the default), the transfers' personal metadata and the subject of
     * its closed account, but keeps the subject of its open account, its transfers,
     * amounts, balances and plain metadata (debits still equal credits); for a tenant
     * keeping personal data 1,000 days it removes nothing. A second pass finds nothing.
     */
    @Test
    void personalDataPastThePeriodGoesAndTheRestStays() throws Exception {
        useRealTenant();
        String defaultPeriod = tenant;
        Account open = open(anAccount("CREDIT").setSubjectId("user-open"));
        Account closed = open(anAccount("CREDIT").setSubjectId("user-closed"));
        List<TransferOutcome> old = post(
                aTransfer(funding(), open.getId(), 10).putMetadata("order", "o-1")
                        .putAllPersonalMetadata(Map.of("buyer", "Alice Example")),
                aTransfer(funding(), closed.getId(), 5).putAllPersonalMetadata(Map.of("buyer", "Carol Example")));
        operator().closeAccount(CloseAccountRequest.newBuilder().setTenantId(tenant).setAccountId(closed.getId())
                .build());

        tenant = TenantServiceGrpc.newBlockingStub(TestCallers.as(TenantServiceProcess.channel(),
                        TestCallers.platformAdmin()))
                .createTenant(TenantFixtures.aTenant().addRetention(RetentionPeriod.newBuilder()
                        .setDataClass("personal").setDays(1000)).build())
                .getTenant().getId();
        await().atMost(WAIT).until(() -> count(
                "SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant) == DEFAULT_ACCOUNTS);
        String longPeriod = tenant;
        Account kept = open(anAccount("CREDIT").setSubjectId("user-kept"));
        TransferOutcome young = post(aTransfer(funding(), kept.getId(), 3)
                .putAllPersonalMetadata(Map.of("buyer", "Bob Example"))).get(0);

        long removed = enforceRetention.enforce(Instant.now().plus(Duration.ofDays(400))).await().atMost(WAIT);

        assertThat(removed).isGreaterThanOrEqualTo(3);
        tenant = defaultPeriod;
        Transfer first = transfer(old.get(0).getId());
        assertThat(first.getPersonalMetadataMap()).isEmpty();
        assertThat(first.getAmount()).isEqualTo(10);
        assertThat(first.getMetadataMap()).containsEntry("order", "o-1");
        assertThat(transfer(old.get(1).getId()).getPersonalMetadataMap()).isEmpty();
        assertThat(account(open.getId()).getSubjectId()).isEqualTo("user-open");
        assertThat(account(closed.getId()).getSubjectId()).isEmpty();
        assertThat(account(closed.getId()).getBalances()).isEqualTo(balances(0, 5, 0, 0));
        assertThat(transferRows()).isEqualTo(2);
        tenant = longPeriod;
        assertThat(transfer(young.getId()).getPersonalMetadataMap()).containsEntry("buyer", "Bob Example");
        assertThat(account(kept.getId()).getSubjectId()).isEqualTo("user-kept");
        assertThat(operator().verifyInvariant(VerifyInvariantRequest.getDefaultInstance()).getHolds()).isTrue();

        assertThat(enforceRetention.enforce(TenantId.parse(defaultPeriod).orElseThrow(),
                Instant.now().plus(Duration.ofDays(400))).await().atMost(WAIT)).isZero();
    }

    private String funding() {
        return ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), "funding").toString();
    }

    private Transfer transfer(String id) {
        return writer().getTransfer(GetTransferRequest.newBuilder().setTransferId(id).build()).getTransfer();
    }

    private Account account(String id) {
        return writer().getAccount(GetAccountRequest.newBuilder().setAccountId(id).build()).getAccount();
    }
}
