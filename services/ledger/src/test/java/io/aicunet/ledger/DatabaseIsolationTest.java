package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.testing.DatabaseIsolationCheck;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the database enforces whatever the application does: the fleet's
 * {@link DatabaseIsolationCheck} with the ledger's tables (tenant tables under forced
 * row-level security; transfers append-only but for erasing their personal metadata;
 * accounts, tenants, token budget days and storage counts never deleted), plus what only the ledger has: the append-only
 * trigger that stops even the owner, the overdraft CHECK, and the API's answers for
 * another tenant's accounts.
 */
@QuarkusTest
class DatabaseIsolationTest extends LedgerTestBase {

    private static final Declaration TABLES = Declaration
            .tenantTables("accounts", "pending_timeouts", "tenant_storage", "tenants", "token_budget_days",
                    "transfers")
            .appRoleRefuses("transfers", Privilege.DELETE)
            .appRoleUpdatesOnly("transfers", "personal_metadata")
            .appRoleRefuses("accounts", Privilege.DELETE)
            .appRoleRefuses("tenants", Privilege.DELETE)
            .appRoleRefuses("token_budget_days", Privilege.DELETE)
            .appRoleRefuses("tenant_storage", Privilege.DELETE);

    /**
     * Proves: every tenant table forces row-level security, and the app role can neither
     * change the schema nor truncate, delete or (but for personal metadata) update
     * transfers, nor delete accounts, tenants, token budget days or storage counts (platform/testing
     * DatabaseIsolationCheck).
     */
    @Test
    void databaseConfinesTheAppRole() {
        DatabaseIsolationCheck.assertIsolated(FleetTestResource.database(), TABLES);
    }

    /** Proves: even the owner role is stopped by the transfers' append-only trigger. */
    @Test
    void transfersAreAppendOnlyEvenForTheOwner() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        String id = post(aTransfer(from.getId(), to.getId(), 10)).get(0).getId();

        try (Connection owner = FleetTestResource.database().connectAsOwner();
                Statement statement = owner.createStatement()) {
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            assertThatThrownBy(() -> statement.executeUpdate(
                    "UPDATE transfers SET amount = 1 WHERE transfer_id = '" + id + "'"))
                    .hasMessageContaining("transfers are append-only: UPDATE is refused");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM transfers WHERE transfer_id = '" + id + "'"))
                    .hasMessageContaining("transfers are append-only: DELETE is refused");
        }
        assertThat(count("SELECT amount FROM ledger.transfers WHERE transfer_id = ?::uuid", id)).isEqualTo(10);
    }

    /** Proves: the database itself refuses an overdraft of a limited account, even from the app role directly. */
    @Test
    void databaseRefusesAnOverdraft() throws Exception {
        Account budget = open(aBudgetAccount("CREDIT"));
        try (Connection app = FleetTestResource.database().connectAsApp();
                PreparedStatement update = app.prepareStatement(
                        "UPDATE accounts SET debits_posted = 1 WHERE account_id = ?::uuid")) {
            app.createStatement().execute("SELECT set_config('aicunet.platform', 'on', false)");
            update.setString(1, budget.getId());
            assertThatThrownBy(update::executeUpdate).hasMessageContaining("accounts_debits_within_credits");
        }
    }

    /**
     * Proves: another tenant's accounts are invisible: transfers naming them fail as
     * not found, reading one is NOT_FOUND (naming the other tenant: PERMISSION_DENIED),
     * and as the app role in one tenant's scope no row of the other's accounts or
     * transfers can be seen or changed.
     */
    @Test
    void tenantsAreIsolated() throws Exception {
        Account mine = open(anAccount("CREDIT"));
        post(aTransfer(mine.getId(), open(anAccount("CREDIT")).getId(), 1));
        String otherTenant = UUID.randomUUID().toString();
        var other = as(TestCallers.ofTenant(otherTenant, "ledger-writer"));
        Account theirs = other.createAccount(anAccount("CREDIT").build()).getAccount();
        Account theirsToo = other.createAccount(anAccount("CREDIT").build()).getAccount();
        other.createTransfers(CreateTransfersRequest.newBuilder()
                .addTransfers(aTransfer(theirs.getId(), theirsToo.getId(), 3)).build());

        TransferOutcome stealing = post(aTransfer(theirs.getId(), mine.getId(), 5)).get(0);
        assertThat(stealing.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_DEBIT_ACCOUNT_NOT_FOUND);
        StatusRuntimeException notFound = catchThrowableOfType(StatusRuntimeException.class,
                () -> writer().getAccount(GetAccountRequest.newBuilder().setAccountId(theirs.getId()).build()));
        assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
                () -> writer().getAccount(GetAccountRequest.newBuilder()
                        .setTenantId(otherTenant).setAccountId(theirs.getId()).build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "accounts", tenant, otherTenant);
        DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), "transfers", tenant, otherTenant);
    }
}
