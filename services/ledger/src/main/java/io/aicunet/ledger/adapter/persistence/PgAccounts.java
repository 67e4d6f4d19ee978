package io.aicunet.ledger.adapter.persistence;

import static io.aicunet.ledger.adapter.persistence.LedgerRows.ACCOUNT_COLUMNS;

import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Accounts in PostgreSQL, under row-level security. */
@ApplicationScoped
public class PgAccounts implements Accounts {

    private static final String INSERT = "INSERT INTO accounts (" + ACCOUNT_COLUMNS + ")"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            + " ON CONFLICT (tenant_id, account_id) DO NOTHING";

    @Override
    public Uni<Boolean> insert(SqlConnection connection, Account account) {
        return connection.preparedQuery(INSERT).execute(tuple(account)).map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Integer> insertMissing(SqlConnection connection, List<Account> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return connection.preparedQuery(INSERT).executeBatch(accounts.stream().map(PgAccounts::tuple).toList())
                .map(rows -> {
                    int inserted = 0;
                    for (var batch = rows; batch != null; batch = batch.next()) {
                        inserted += batch.rowCount();
                    }
                    return inserted;
                });
    }

    @Override
    public Uni<Optional<Account>> find(SqlConnection connection, TenantId tenant, AccountId id) {
        return connection.preparedQuery("SELECT " + ACCOUNT_COLUMNS
                        + " FROM accounts WHERE tenant_id = $1 AND account_id = $2 LIMIT 1")
                .execute(Tuple.of(tenant.value(), id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(LedgerRows.account(rows.iterator().next())));
    }

    @Override
    public Uni<Optional<Account>> close(SqlConnection connection, TenantId tenant, AccountId id) {
        return connection.preparedQuery("UPDATE accounts SET closed = true WHERE tenant_id = $1 AND account_id = $2"
                        + " RETURNING " + ACCOUNT_COLUMNS)
                .execute(Tuple.of(tenant.value(), id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(LedgerRows.account(rows.iterator().next())));
    }

    @Override
    public Uni<Map<AccountId, Account>> lock(SqlConnection connection, TenantId tenant, List<AccountId> ids) {
        UUID[] values = ids.stream().map(AccountId::value).toArray(UUID[]::new);
        // ORDER BY under FOR UPDATE locks the rows in account_id order: every batch
        // locks in the same order, so two batches never wait for each other in a cycle.
        // Joined with the wanted ids, so each is an index lookup however many accounts
        // the tenant has (an ordered scan would walk all of them).
        return connection.preparedQuery("SELECT " + ACCOUNT_COLUMNS
                        + " FROM unnest($2::uuid[]) AS wanted (id) JOIN accounts"
                        + " ON accounts.tenant_id = $1 AND accounts.account_id = wanted.id"
                        + " ORDER BY accounts.account_id LIMIT $3 FOR UPDATE OF accounts")
                .execute(Tuple.of(tenant.value(), values, values.length))
                .map(rows -> {
                    Map<AccountId, Account> locked = new HashMap<>();
                    for (Row row : rows) {
                        Account account = LedgerRows.account(row);
                        locked.put(account.id(), account);
                    }
                    return locked;
                });
    }

    private static Tuple tuple(Account account) {
        return Tuple.tuple()
                .addUUID(account.tenant().value())
                .addUUID(account.id().value())
                .addString(account.code())
                .addString(account.unit())
                .addBoolean(account.debitsMustNotExceedCredits())
                .addBoolean(account.creditsMustNotExceedDebits())
                .addBoolean(account.closed())
                .addLong(account.balances().debitsPosted())
                .addLong(account.balances().creditsPosted())
                .addLong(account.balances().debitsPending())
                .addLong(account.balances().creditsPending())
                .addOffsetDateTime(LedgerRows.utc(account.createdAt()))
                .addOffsetDateTime(account.lastTransferAt().map(LedgerRows::utc).orElse((OffsetDateTime) null))
                .addString(account.subjectId().orElse(null));
    }
}
