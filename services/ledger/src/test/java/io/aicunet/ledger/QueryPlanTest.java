package io.aicunet.ledger;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The plans of the batch path's reads, where a wrong index would cost a scan per call. */
@QuarkusTest
class QueryPlanTest extends LedgerTestBase {

    /**
     * Proves: for a tenant the statistics have never seen (the first calls of a new
     * tenant), the idempotency read probes its indexes by transfer id and pending id,
     * rather than walking that tenant's rows and filtering them; that once made a
     * single transfer of a busy new tenant take 90 ms. The pending ids are not empty: with an
     * empty array the branch is contradictory and the planner may pick any index, which
     * proves nothing.
     */
    @Test
    void idempotencyReadProbesThePrimaryKeyForANewTenant() throws Exception {
        Account from = open(anAccount("CREDIT"));
        Account to = open(anAccount("CREDIT"));
        CreateTransfersRequest.Builder batch = CreateTransfersRequest.newBuilder();
        for (int i = 0; i < 2_000; i++) {
            batch.addTransfers(aTransfer(from.getId(), to.getId(), 1));
        }
        writer().createTransfers(batch.build());

        try (Connection owner = FleetTestResource.database().connectAsOwner();
                Statement statement = owner.createStatement()) {
            statement.execute("ANALYZE transfers");
            statement.execute("SELECT set_config('aicunet.platform', 'on', false)");
            String plan = plan(statement, "EXPLAIN SELECT * FROM transfers WHERE tenant_id = '" + UUID.randomUUID()
                    + "' AND transfer_id = ANY(ARRAY['" + UUID.randomUUID() + "'::uuid])"
                    + " UNION ALL SELECT * FROM transfers WHERE tenant_id = '" + UUID.randomUUID()
                    + "' AND pending_id = ANY(ARRAY['" + UUID.randomUUID() + "'::uuid]) LIMIT 1");
            assertThat(plan.lines().filter(line -> line.contains("Index Cond"))).as(plan)
                    .anyMatch(line -> line.contains("transfer_id = ANY"))
                    .anyMatch(line -> line.contains("pending_id = ANY"));
        }
    }

    private static String plan(Statement statement, String explain) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = statement.executeQuery(explain)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
