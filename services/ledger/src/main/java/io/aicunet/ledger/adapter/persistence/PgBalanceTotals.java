package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.BalanceTotals;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Sums the accounts' balances per tenant and unit in one statement (numeric sums: no overflow). */
@ApplicationScoped
public class PgBalanceTotals implements BalanceTotals {

    @Override
    public Uni<Check> check(SqlConnection connection, int limit) {
        return connection.preparedQuery("""
                        WITH totals AS (
                            SELECT tenant_id, unit,
                                   sum(debits_posted) AS debits_posted, sum(credits_posted) AS credits_posted,
                                   sum(debits_pending) AS debits_pending, sum(credits_pending) AS credits_pending
                              FROM accounts
                             GROUP BY tenant_id, unit
                        ), unbalanced AS (
                            SELECT * FROM totals
                             WHERE debits_posted <> credits_posted OR debits_pending <> credits_pending
                             ORDER BY tenant_id, unit
                             LIMIT $1
                        )
                        SELECT (SELECT count(*) FROM totals) AS checked, unbalanced.*
                          FROM (SELECT 1) AS one LEFT JOIN unbalanced ON true""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    long checked = 0;
                    List<Imbalance> imbalances = new ArrayList<>();
                    for (Row row : rows) {
                        checked = row.getLong("checked");
                        if (row.getUUID("tenant_id") != null) {
                            imbalances.add(new Imbalance(new TenantId(row.getUUID("tenant_id")),
                                    row.getString("unit"), sum(row, "debits_posted"), sum(row, "credits_posted"),
                                    sum(row, "debits_pending"), sum(row, "credits_pending")));
                        }
                    }
                    return new Check(checked, imbalances);
                });
    }

    private static BigInteger sum(Row row, String column) {
        return row.getBigDecimal(column).toBigIntegerExact();
    }
}
