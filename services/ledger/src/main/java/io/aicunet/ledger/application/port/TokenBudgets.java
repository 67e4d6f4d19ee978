package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.TokenDay;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where the tenants' token budget days are kept (what is reserved and used per UTC
 * day); every method works in the caller's transaction, which holds the lock of the
 * tenant's budget account.
 */
public interface TokenBudgets {

    /** The tenant's days from {@code from} on and the days {@code pastDays}; days without a row are absent. */
    Uni<Map<LocalDate, TokenDay>> days(SqlConnection connection, TenantId tenant, LocalDate from,
                                       Collection<LocalDate> pastDays);

    /** Adds each change to its day (a day without a row starts at zero). */
    Uni<Void> add(SqlConnection connection, TenantId tenant, List<TokenDay> changes);
}
