package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where transfers are kept (append-only); every method works in the caller's transaction. */
public interface Transfers {

    /** The transfers with these ids, and those whose pending_id is one of {@code settledPending}; a row may come twice. */
    Uni<List<Transfer>> findByIdOrPending(SqlConnection connection, TenantId tenant, Collection<TransferId> ids,
                                          Collection<TransferId> settledPending);

    Uni<Optional<Transfer>> find(SqlConnection connection, TenantId tenant, TransferId id);

    /** At most {@code limit} transfers of the account after {@code after} (exclusive), by timestamp. */
    Uni<List<Transfer>> statement(SqlConnection connection, TenantId tenant, AccountId account,
                                  Optional<Instant> after, int limit);

    /** The account's last transfer at or before {@code asOf}: it holds the balances it left. */
    Uni<Optional<Transfer>> lastAtOrBefore(SqlConnection connection, TenantId tenant, AccountId account,
                                           Instant asOf);
}
