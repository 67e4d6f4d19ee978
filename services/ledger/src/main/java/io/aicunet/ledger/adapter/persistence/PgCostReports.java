package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.CostReports;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The FinOps views, read through the {@code reporting} datasource, which logs in as
 * the reporting role: it may read the views and nothing else (not the tables behind
 * them), and the app role may not read the views. In production this datasource
 * points at a read replica. The views live in the service's schema, {@code ledger}.
 */
@ApplicationScoped
public class PgCostReports implements CostReports {

    private final Pool reporting;

    public PgCostReports(@ReactiveDataSource("reporting") Pool reporting) {
        this.reporting = reporting;
    }

    @Override
    public Uni<Rows<TenantDay>> perTenantDay(TenantScope scope, Optional<TenantId> tenant, LocalDate from,
                                             LocalDate to, int limit) {
        return read(scope, """
                SELECT tenant_id, day, unit, transfers, amount FROM ledger.cost_per_tenant_day
                 WHERE ($1::uuid IS NULL OR tenant_id = $1) AND day BETWEEN $2 AND $3
                 ORDER BY day, tenant_id, unit
                 LIMIT $4""", tenant, from, to, limit, row -> new TenantDay(new TenantId(row.getUUID("tenant_id")),
                row.getLocalDate("day"), row.getString("unit"), row.getLong("transfers"),
                row.getBigDecimal("amount").toBigIntegerExact()));
    }

    @Override
    public Uni<Rows<AccountCodeDay>> perAccountCodeDay(TenantScope scope, Optional<TenantId> tenant, LocalDate from,
                                                       LocalDate to, int limit) {
        return read(scope, """
                SELECT tenant_id, day, account_code, unit, debits, credits FROM ledger.cost_per_account_code_day
                 WHERE ($1::uuid IS NULL OR tenant_id = $1) AND day BETWEEN $2 AND $3
                 ORDER BY day, tenant_id, account_code, unit
                 LIMIT $4""", tenant, from, to, limit, row -> new AccountCodeDay(
                new TenantId(row.getUUID("tenant_id")), row.getLocalDate("day"), row.getString("account_code"),
                row.getString("unit"), row.getBigDecimal("debits").toBigIntegerExact(),
                row.getBigDecimal("credits").toBigIntegerExact()));
    }

    private <T> Uni<Rows<T>> read(TenantScope scope, String sql, Optional<TenantId> tenant, LocalDate from,
                                  LocalDate to, int limit, Function<Row, T> reader) {
        return TenantTransactions.<Rows<T>>inTenant(reporting, scope, connection -> connection.preparedQuery(sql)
                        .execute(Tuple.of(tenant.map(TenantId::value).orElse((UUID) null), from, to, limit + 1))
                        .map(rows -> Result.ok(rows(rows, limit, reader))))
                .map(Result::value);
    }

    private static <T> Rows<T> rows(RowSet<Row> rows, int limit, Function<Row, T> reader) {
        List<T> read = new ArrayList<>(Math.min(rows.size(), limit));
        for (Row row : rows) {
            if (read.size() == limit) {
                return new Rows<>(read, true);
            }
            read.add(reader.apply(row));
        }
        return new Rows<>(read, false);
    }
}
