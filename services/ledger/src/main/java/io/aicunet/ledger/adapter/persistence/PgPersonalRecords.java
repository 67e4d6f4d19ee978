package io.aicunet.ledger.adapter.persistence;

import static io.aicunet.ledger.adapter.persistence.LedgerRows.ACCOUNT_COLUMNS;

import io.aicunet.ledger.application.port.PersonalRecords;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Personal data in PostgreSQL. Transfers with personal metadata are found through the
 * partial index {@code transfers_personal_metadata (tenant_id, recorded_at)}, which holds
 * only them; accounts with a subject through {@code accounts_subject}. Transfers stay
 * append-only: the only UPDATE the app role may run on them empties personal_metadata.
 */
@ApplicationScoped
public class PgPersonalRecords implements PersonalRecords {

    /** Below every tenant id in PostgreSQL's uuid order: "after" it is from the first tenant. */
    private static final UUID NO_TENANT = new UUID(0, 0);

    @Override
    public Uni<List<Account>> accounts(SqlConnection connection, TenantId tenant, Optional<String> subject,
                                       int limit) {
        String sql = "SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE tenant_id = $1"
                + (subject.isPresent() ? " AND subject_id = $3" : "") + " ORDER BY account_id LIMIT $2";
        Tuple parameters = Tuple.of(tenant.value(), limit);
        subject.ifPresent(parameters::addString);
        return connection.preparedQuery(sql).execute(parameters).map(rows -> {
            List<Account> accounts = new ArrayList<>(rows.size());
            for (Row row : rows) {
                accounts.add(LedgerRows.account(row));
            }
            return accounts;
        });
    }

    @Override
    public Uni<Optional<TenantStanding>> standing(SqlConnection connection, TenantId tenant) {
        return connection.preparedQuery("SELECT status, suspension_reason, updated_at FROM tenants"
                        + " WHERE tenant_id = $1 LIMIT 1")
                .execute(Tuple.of(tenant.value()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new TenantStanding(tenant, row.getString("status"),
                            Optional.ofNullable(row.getString("suspension_reason")),
                            row.getOffsetDateTime("updated_at").toInstant()));
                });
    }

    @Override
    public Uni<Integer> erasePersonalMetadata(SqlConnection connection, TenantId tenant,
                                              Optional<List<AccountId>> accounts, int limit) {
        String which = accounts.isPresent()
                ? " AND (debit_account_id = ANY($3) OR credit_account_id = ANY($3))"
                : "";
        Tuple parameters = Tuple.of(tenant.value(), limit);
        accounts.ifPresent(ids -> parameters.addArrayOfUUID(ids.stream().map(AccountId::value).toArray(UUID[]::new)));
        return connection.preparedQuery("UPDATE transfers SET personal_metadata = NULL"
                        + " WHERE tenant_id = $1 AND transfer_id IN (SELECT transfer_id FROM transfers"
                        + "   WHERE tenant_id = $1 AND personal_metadata IS NOT NULL" + which
                        + "   LIMIT $2 FOR UPDATE)")
                .execute(parameters)
                .map(rows -> rows.rowCount());
    }

    @Override
    public Uni<Integer> eraseSubjects(SqlConnection connection, TenantId tenant, Optional<String> subject,
                                      int limit) {
        Tuple parameters = Tuple.of(tenant.value(), limit);
        subject.ifPresent(parameters::addString);
        return connection.preparedQuery("UPDATE accounts SET subject_id = NULL"
                        + " WHERE tenant_id = $1 AND account_id IN (SELECT account_id FROM accounts"
                        + "   WHERE tenant_id = $1 AND subject_id IS NOT NULL"
                        + (subject.isPresent() ? " AND subject_id = $3" : "")
                        // In account id order, the order batches lock accounts in: no deadlock with them.
                        + "   ORDER BY account_id LIMIT $2 FOR UPDATE)")
                .execute(parameters)
                .map(rows -> rows.rowCount());
    }

    @Override
    public Uni<List<TenantId>> tenantsWithPersonalData(SqlConnection connection, Optional<TenantId> after,
                                                      int limit) {
        // A skip scan over the partial indexes: one index probe per tenant, however many
        // rows each has (SELECT DISTINCT would read every row with personal data).
        return connection.preparedQuery("""
                        WITH RECURSIVE with_transfers (tenant_id) AS (
                            (SELECT tenant_id FROM transfers WHERE personal_metadata IS NOT NULL AND tenant_id > $1
                              ORDER BY tenant_id LIMIT 1)
                            UNION ALL
                            SELECT (SELECT t.tenant_id FROM transfers t
                                     WHERE t.personal_metadata IS NOT NULL AND t.tenant_id > w.tenant_id
                                     ORDER BY t.tenant_id LIMIT 1)
                              FROM with_transfers w WHERE w.tenant_id IS NOT NULL
                        ), with_subjects (tenant_id) AS (
                            (SELECT tenant_id FROM accounts WHERE subject_id IS NOT NULL AND tenant_id > $1
                              ORDER BY tenant_id LIMIT 1)
                            UNION ALL
                            SELECT (SELECT a.tenant_id FROM accounts a
                                     WHERE a.subject_id IS NOT NULL AND a.tenant_id > w.tenant_id
                                     ORDER BY a.tenant_id LIMIT 1)
                              FROM with_subjects w WHERE w.tenant_id IS NOT NULL
                        )
                        SELECT tenant_id FROM (
                            (SELECT tenant_id FROM with_transfers WHERE tenant_id IS NOT NULL LIMIT $2)
                            UNION
                            (SELECT tenant_id FROM with_subjects WHERE tenant_id IS NOT NULL LIMIT $2)
                        ) AS found ORDER BY tenant_id LIMIT $2""")
                .execute(Tuple.of(after.map(TenantId::value).orElse(NO_TENANT), limit))
                .map(rows -> {
                    List<TenantId> tenants = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        tenants.add(new TenantId(row.getUUID("tenant_id")));
                    }
                    return tenants;
                });
    }

    @Override
    public Uni<Integer> dropPersonalMetadataBefore(SqlConnection connection, TenantId tenant, Instant cutoff,
                                                   int limit) {
        return connection.preparedQuery("UPDATE transfers SET personal_metadata = NULL"
                        + " WHERE tenant_id = $1 AND transfer_id IN (SELECT transfer_id FROM transfers"
                        + "   WHERE tenant_id = $1 AND personal_metadata IS NOT NULL AND recorded_at < $2"
                        + "   ORDER BY recorded_at LIMIT $3 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(tenant.value(), LedgerRows.utc(cutoff), limit))
                .map(rows -> rows.rowCount());
    }

    @Override
    public Uni<Integer> dropSubjectsOfClosedAccountsBefore(SqlConnection connection, TenantId tenant,
                                                           Instant cutoff, int limit) {
        return connection.preparedQuery("UPDATE accounts SET subject_id = NULL"
                        + " WHERE tenant_id = $1 AND account_id IN (SELECT account_id FROM accounts"
                        + "   WHERE tenant_id = $1 AND subject_id IS NOT NULL AND closed"
                        + "     AND coalesce(last_transfer_at, created_at) < $2"
                        + "   ORDER BY account_id LIMIT $3 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(tenant.value(), LedgerRows.utc(cutoff), limit))
                .map(rows -> rows.rowCount());
    }
}
