package io.aicunet.ledger.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.math.BigInteger;
import java.util.List;

/** Sums of balances per tenant and unit, for the double-entry invariant. */
public interface BalanceTotals {

    /** Totals of one tenant and unit whose debits differ from their credits. */
    record Imbalance(TenantId tenant, String unit, BigInteger debitsPosted, BigInteger creditsPosted,
                     BigInteger debitsPending, BigInteger creditsPending) {
    }

    /** How many (tenant, unit) pairs the check saw, and at most {@code limit} that do not balance. */
    record Check(long checked, List<Imbalance> imbalances) {
        public Check {
            imbalances = List.copyOf(imbalances);
        }

        public boolean holds() {
            return imbalances.isEmpty();
        }
    }

    /** Checks every (tenant, unit) pair visible in the connection's tenant scope. */
    Uni<Check> check(SqlConnection connection, int limit);
}
