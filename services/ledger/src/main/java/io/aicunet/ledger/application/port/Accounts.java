package io.aicunet.ledger.application.port;

import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where accounts are kept; every method works in the caller's transaction. */
public interface Accounts {

    /** Stores a new account; false when the id is taken (then see {@link #find}). */
    Uni<Boolean> insert(SqlConnection connection, Account account);

    /** Stores new accounts, skipping ids that exist; how many were new. */
    Uni<Integer> insertMissing(SqlConnection connection, List<Account> accounts);

    Uni<Optional<Account>> find(SqlConnection connection, TenantId tenant, AccountId id);

    /** Marks the account closed; the account as it is now, or empty when absent. */
    Uni<Optional<Account>> close(SqlConnection connection, TenantId tenant, AccountId id);

    /**
     * Locks the accounts for update, in id order (the one order every batch uses, so
     * batches never deadlock), and returns those that exist.
     */
    Uni<Map<AccountId, Account>> lock(SqlConnection connection, TenantId tenant, List<AccountId> ids);
}
