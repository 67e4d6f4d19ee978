package io.aicunet.ledger;

import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.Balances;
import io.aicunet.contracts.ledger.v1.CreateAccountRequest;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.NewTransfer;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcTestChannel;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A gRPC client of the application under test and a tenant of its own for each test
 * (JUnit makes a new instance per test), so tests never see each other's accounts.
 */
public abstract class LedgerTestBase {

    /**
     * How many accounts TenantCreated opens with the default ledger.default-accounts
     * (funding, available, usage, tokens, tokens-used).
     */
    protected static final int DEFAULT_ACCOUNTS = 5;

    @TestHTTPResource(tls = true)
    protected URL service;

    protected GrpcTestChannel channel;

    /**
     * This test's tenant: a random id, which the ledger accepts for everything but
     * personal data; tests that store personal data replace it in their own
     * {@code @BeforeEach} with a tenant of the real tenant service ({@link #useRealTenant}).
     */
    protected String tenant = UUID.randomUUID().toString();

    /** Makes this test's tenant one the tenant service knows (with a data key), once the ledger has opened its default accounts. */
    protected void useRealTenant() {
        tenant = TenantServiceProcess.createTenant();
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant) == DEFAULT_ACCOUNTS);
    }

    @BeforeEach
    protected void connect() {
        channel = GrpcTestChannel.open(service.getPort(), Duration.ofSeconds(60));
    }

    @AfterEach
    protected void disconnect() {
        channel.close();
    }

    /** A ledger client calling as the caller these headers name (TestCallers). */
    protected LedgerServiceBlockingStub as(Map<String, String> callerHeaders) {
        return channel.as(LedgerServiceGrpc::newBlockingStub, callerHeaders);
    }

    /** A service account that writes this tenant's ledger. */
    protected LedgerServiceBlockingStub writer() {
        return as(TestCallers.ofTenant(tenant, "ledger-writer"));
    }

    /** A platform operator (reads, closes accounts, verifies the invariant). */
    protected LedgerServiceBlockingStub operator() {
        return as(TestCallers.headers("platform", "oncall@aicunet.io", java.util.Set.of("platform-operator")));
    }

    protected Account open(CreateAccountRequest.Builder account) {
        return writer().createAccount(account.build()).getAccount();
    }

    protected List<TransferOutcome> post(NewTransfer.Builder... transfers) {
        return writer().createTransfers(CreateTransfersRequest.newBuilder()
                .addAllTransfers(Arrays.stream(transfers).map(NewTransfer.Builder::build).toList())
                .build()).getResultsList();
    }

    protected Balances balances(Account account) {
        return writer().getAccount(GetAccountRequest.newBuilder().setAccountId(account.getId()).build())
                .getAccount().getBalances();
    }

    protected static Balances balances(long debitsPosted, long creditsPosted, long debitsPending,
                                       long creditsPending) {
        return Balances.newBuilder().setDebitsPosted(debitsPosted).setCreditsPosted(creditsPosted)
                .setDebitsPending(debitsPending).setCreditsPending(creditsPending).build();
    }

    /** A count by the superuser, past row-level security: what is really in the database. */
    protected static long count(String sql, Object... parameters) throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Rows of this tenant's transfers in the database. */
    protected long transferRows() throws SQLException {
        return count("SELECT count(*) FROM ledger.transfers WHERE tenant_id = ?::uuid", tenant);
    }
}
