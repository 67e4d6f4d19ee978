package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the database enforces whatever the application does: transfers are
 * append-only, balances stay within their limits, and one tenant's session sees
 * nothing of another's.
 */
@QuarkusTest
class DatabaseIsolationTest extends LedgerTestBase {

    /**
     * Proves: the app role may insert and read transfers but neither update, delete
     * nor truncate them; even the owner role is stopped by the append-only trigger.
     */
    @Test
    void transfersAreAppendOnly() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        String id = post(aTransfer(from.getId(), to.getId(), 10)).get(0).getId();

        try (Connection app = FleetTestResource.database().connectAsApp(); Statement statement = app.createStatement()) {
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            assertThatThrownBy(() -> statement.executeUpdate(
                    "UPDATE transfers SET amount = 1 WHERE transfer_id = '" + id + "'"))
                    .hasMessageContaining("permission denied for table transfers");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM transfers WHERE transfer_id = '" + id + "'"))
                    .hasMessageContaining("permission denied for table transfers");
            assertThatThrownBy(() -> statement.execute("TRUNCATE transfers"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM accounts"))
                    .hasMessageContaining("permission denied for table accounts");
        }
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
        Account budget = open(io.aicunet.platform.testing.LedgerFixtures.aBudgetAccount("CREDIT"));
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
     * not found, reading one is NOT_FOUND, and raw SQL as the app role in tenant A's
     * scope sees none of B's rows.
     */
    @Test
    void tenantsAreIsolated() throws Exception {
        Account mine = open(anAccount("CREDIT"));
        String otherTenant = UUID.randomUUID().toString();
        var other = client.as(TestCallers.ofTenant(otherTenant, "ledger-writer"));
        Account theirs = other.createAccount(anAccount("CREDIT").build()).getAccount();
        Account theirsToo = other.createAccount(anAccount("CREDIT").build()).getAccount();
        other.createTransfers(CreateTransfersRequest.newBuilder()
                .addTransfers(aTransfer(theirs.getId(), theirsToo.getId(), 3)).build());

        TransferOutcome stealing = post(aTransfer(theirs.getId(), mine.getId(), 5)).get(0);
        assertThat(stealing.getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_DEBIT_ACCOUNT_NOT_FOUND);
        StatusRuntimeException notFound = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () -> writer().getAccount(GetAccountRequest.newBuilder().setAccountId(theirs.getId()).build()));
        assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException denied = org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class, () -> writer().getAccount(GetAccountRequest.newBuilder()
                        .setTenantId(otherTenant).setAccountId(theirs.getId()).build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

        try (Connection app = FleetTestResource.database().connectAsApp()) {
            app.setAutoCommit(false);
            try (PreparedStatement scope = app.prepareStatement(
                    "SELECT set_config('aicunet.tenant_id', ?, true), set_config('aicunet.platform', 'off', true)")) {
                scope.setString(1, tenant);
                scope.execute();
            }
            assertThat(countVisible(app, "accounts", otherTenant)).isZero();
            assertThat(countVisible(app, "transfers", otherTenant)).isZero();
            assertThat(countVisible(app, "accounts", tenant)).isEqualTo(1);
            app.rollback();
        }
    }

    private static long countVisible(Connection connection, String table, String tenantId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE tenant_id = ?::uuid")) {
            select.setString(1, tenantId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
