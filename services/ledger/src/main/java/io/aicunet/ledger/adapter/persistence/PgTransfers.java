package io.aicunet.ledger.adapter.persistence;

import static io.aicunet.ledger.adapter.persistence.LedgerRows.TRANSFER_COLUMNS;

import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Transfers in PostgreSQL, under row-level security. Reads by account go through the
 * (tenant, account, recorded_at) indexes of the debit and the credit side, each
 * bounded, then merged: cost grows with the page, not with the account's history.
 */
@ApplicationScoped
public class PgTransfers implements Transfers {

    @Override
    public Uni<List<Transfer>> findByIdOrPending(SqlConnection connection, TenantId tenant,
                                                 Collection<TransferId> ids, Collection<TransferId> settledPending) {
        UUID[] idValues = ids.stream().map(TransferId::value).toArray(UUID[]::new);
        UUID[] pendingValues = settledPending.stream().map(TransferId::value).toArray(UUID[]::new);
        // At most one row per id, and one settling transfer per pending id (unique index).
        // Two plain index scans: an OR of the two made a bitmap scan four times slower.
        return connection.preparedQuery("SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + " WHERE tenant_id = $1 AND transfer_id = ANY($2)"
                        + " UNION ALL SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + " WHERE tenant_id = $1 AND pending_id = ANY($3) LIMIT $4")
                .execute(Tuple.of(tenant.value(), idValues, pendingValues, idValues.length + pendingValues.length))
                .map(PgTransfers::transfers);
    }

    @Override
    public Uni<Optional<Transfer>> find(SqlConnection connection, TenantId tenant, TransferId id) {
        return connection.preparedQuery("SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + " WHERE tenant_id = $1 AND transfer_id = $2 LIMIT 1")
                .execute(Tuple.of(tenant.value(), id.value()))
                .map(rows -> transfers(rows).stream().findFirst());
    }

    @Override
    public Uni<List<Transfer>> statement(SqlConnection connection, TenantId tenant, AccountId account,
                                         Optional<Instant> after, int limit) {
        return connection.preparedQuery("(SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + "   WHERE tenant_id = $1 AND debit_account_id = $2 AND recorded_at > $3"
                        + "   ORDER BY recorded_at LIMIT $4)"
                        + " UNION ALL"
                        + " (SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + "   WHERE tenant_id = $1 AND credit_account_id = $2 AND recorded_at > $3"
                        + "   ORDER BY recorded_at LIMIT $4)"
                        + " ORDER BY recorded_at LIMIT $4")
                .execute(Tuple.of(tenant.value(), account.value(),
                        LedgerRows.utc(after.orElse(Instant.EPOCH)), limit))
                .map(PgTransfers::transfers);
    }

    @Override
    public Uni<Optional<Transfer>> lastAtOrBefore(SqlConnection connection, TenantId tenant, AccountId account,
                                                  Instant asOf) {
        return connection.preparedQuery("(SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + "   WHERE tenant_id = $1 AND debit_account_id = $2 AND recorded_at <= $3"
                        + "   ORDER BY recorded_at DESC LIMIT 1)"
                        + " UNION ALL"
                        + " (SELECT " + TRANSFER_COLUMNS + " FROM transfers"
                        + "   WHERE tenant_id = $1 AND credit_account_id = $2 AND recorded_at <= $3"
                        + "   ORDER BY recorded_at DESC LIMIT 1)"
                        + " ORDER BY recorded_at DESC LIMIT 1")
                .execute(Tuple.of(tenant.value(), account.value(), LedgerRows.utc(asOf)))
                .map(rows -> transfers(rows).stream().findFirst());
    }

    private static List<Transfer> transfers(RowSet<Row> rows) {
        List<Transfer> transfers = new ArrayList<>(rows.size());
        for (Row row : rows) {
            transfers.add(LedgerRows.transfer(row));
        }
        return transfers;
    }
}
