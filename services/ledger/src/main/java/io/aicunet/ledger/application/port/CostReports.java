package io.aicunet.ledger.application.port;

import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The FinOps views, read through the reporting role (never the app role), under the
 * row-level security of the given scope.
 */
public interface CostReports {

    /** Posted amounts of one tenant, day and unit. */
    record TenantDay(TenantId tenant, LocalDate day, String unit, long transfers, BigInteger amount) {
    }

    /** Posted debits and credits of the accounts with one code, per tenant, day and unit. */
    record AccountCodeDay(TenantId tenant, LocalDate day, String accountCode, String unit, BigInteger debits,
                          BigInteger credits) {
    }

    /** At most {@code limit} rows, and whether more matched. */
    record Rows<T>(List<T> rows, boolean truncated) {
        public Rows {
            rows = List.copyOf(rows);
        }
    }

    Uni<Rows<TenantDay>> perTenantDay(TenantScope scope, Optional<TenantId> tenant, LocalDate from, LocalDate to,
                                      int limit);

    Uni<Rows<AccountCodeDay>> perAccountCodeDay(TenantScope scope, Optional<TenantId> tenant, LocalDate from,
                                                LocalDate to, int limit);
}
