package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.PendingTimeouts;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The timeouts queue in PostgreSQL; each replica claims its share with SKIP LOCKED. */
@ApplicationScoped
public class PgPendingTimeouts implements PendingTimeouts {

    @Override
    public Uni<List<Due>> claimDue(SqlConnection connection, Instant now, int limit) {
        return connection.preparedQuery("""
                        SELECT tenant_id, transfer_id FROM pending_timeouts
                         WHERE expires_at <= $1
                         ORDER BY expires_at
                         LIMIT $2
                           FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(LedgerRows.utc(now), limit))
                .map(rows -> {
                    List<Due> due = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        due.add(new Due(new TenantId(row.getUUID("tenant_id")),
                                new TransferId(row.getUUID("transfer_id"))));
                    }
                    return due;
                });
    }
}
