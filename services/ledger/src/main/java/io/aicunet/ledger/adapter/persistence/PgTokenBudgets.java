package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.TokenBudgets;
import io.aicunet.ledger.domain.TokenDay;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The token budget days in PostgreSQL ({@code token_budget_days}). Changes are added
 * to the stored numbers rather than replacing them, so each row stays the sum of the
 * transfers that changed it; the CHECKs refuse a negative day (a bug: the batch fails).
 */
@ApplicationScoped
public class PgTokenBudgets implements TokenBudgets {

    /**
     * A tenant has a row per day it used its budget. The days from today on are one or
     * two (tomorrow's only when a replica's clock ran ahead near midnight): more than this
     * means a clock far off, and the batch fails rather than read an unbounded range.
     */
    private static final int DAYS_AHEAD_MAX = 32;

    private static final String DAYS = "SELECT day, reserved, used FROM token_budget_days"
            + " WHERE tenant_id = $1 AND (day >= $2 OR day = ANY($3)) ORDER BY day LIMIT $4";

    /**
     * Adds to the days that have a row and inserts the others. Not an INSERT ... ON
     * CONFLICT: PostgreSQL checks the CHECKs on the row proposed for insertion first,
     * and a change that releases a reservation is negative. The batch holds the budget
     * account's lock, so no one else adds a day of this tenant meanwhile.
     */
    private static final String ADD = """
            WITH changes AS (
                SELECT * FROM unnest($2::date[], $3::bigint[], $4::bigint[]) AS c (day, reserved, used)
            ), added AS (
                UPDATE token_budget_days d SET reserved = d.reserved + c.reserved, used = d.used + c.used
                  FROM changes c WHERE d.tenant_id = $1 AND d.day = c.day
                RETURNING d.day
            )
            INSERT INTO token_budget_days (tenant_id, day, reserved, used)
            SELECT $1, c.day, c.reserved, c.used FROM changes c WHERE c.day NOT IN (SELECT day FROM added)""";

    @Override
    public Uni<Map<LocalDate, TokenDay>> days(SqlConnection connection, TenantId tenant, LocalDate from,
                                              Collection<LocalDate> pastDays) {
        // The past days asked for come back once each at most, the others are from today on.
        int limit = pastDays.size() + DAYS_AHEAD_MAX;
        return connection.preparedQuery(DAYS)
                .execute(Tuple.of(tenant.value(), from, pastDays.toArray(LocalDate[]::new), limit))
                .map(rows -> {
                    if (rows.size() >= limit) {
                        throw new IllegalStateException("tenant " + tenant + " has " + DAYS_AHEAD_MAX
                                + " or more token budget days from " + from + " on: a replica's clock is far off");
                    }
                    Map<LocalDate, TokenDay> days = new HashMap<>();
                    for (Row row : rows) {
                        LocalDate day = row.getLocalDate("day");
                        days.put(day, new TokenDay(day, row.getLong("reserved"), row.getLong("used")));
                    }
                    return days;
                });
    }

    @Override
    public Uni<Void> add(SqlConnection connection, TenantId tenant, List<TokenDay> changes) {
        return connection.preparedQuery(ADD)
                .execute(Tuple.of(tenant.value(),
                        changes.stream().map(TokenDay::day).toArray(LocalDate[]::new),
                        changes.stream().map(TokenDay::reserved).toArray(Long[]::new),
                        changes.stream().map(TokenDay::used).toArray(Long[]::new)))
                .replaceWithVoid();
    }
}
