package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.application.port.Postings;
import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferBatch;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferKind;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a planned batch in one statement, one round trip whatever its size: the
 * transfers, the accounts' new balances, the pending transfers' timeouts and the
 * outbox events each go in as arrays, unnested by PostgreSQL. (A statement per row
 * would cost a round trip per transfer; this costs one per batch.)
 *
 * <p>The outbox rows are the platform outbox's (same table, same relay), inserted by
 * the outbox's own multi-row INSERT ({@link Outbox#insertFromArrays}) as one part of
 * this statement, so the batch still costs one round trip.
 */
@ApplicationScoped
public class PgPostings implements Postings {

    private static final String UNIQUE_VIOLATION = "23505";
    /** Constraints a concurrent batch may have won: the transfer's id, or the one settlement of a pending transfer. */
    private static final Set<String> RACED_CONSTRAINTS = Set.of(
            "transfers_pkey", "transfers_pending_settled_once");

    /**
     * Whitespace collapsed to single spaces: the client caches prepared statements of
     * at most 2,048 characters, and parsing and planning this one costs more than
     * running it for a small batch.
     */
    private static final String WRITE = oneLine("""
            WITH new_transfers AS (
                INSERT INTO transfers (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, unit,
                                       pending_id, kind, linked, timeout_seconds, expires_at, code, metadata,
                                       recorded_at, request_sha256,
                                       debit_debits_posted, debit_credits_posted, debit_debits_pending,
                                       debit_credits_pending, credit_debits_posted, credit_credits_posted,
                                       credit_debits_pending, credit_credits_pending, personal_metadata)
                SELECT $1, t.* FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::uuid[],
                                           $8::text[], $9::boolean[], $10::integer[], $11::timestamptz[], $12::text[],
                                           $13::jsonb[], $14::timestamptz[], $15::bytea[], $16::bigint[],
                                           $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[],
                                           $21::bigint[], $22::bigint[], $23::bigint[], $24::text[]) AS t
            ), changed_accounts AS (
                UPDATE accounts a
                   SET debits_posted = c.debits_posted, credits_posted = c.credits_posted,
                       debits_pending = c.debits_pending, credits_pending = c.credits_pending,
                       last_transfer_at = c.last_transfer_at
                  FROM unnest($25::uuid[], $26::bigint[], $27::bigint[], $28::bigint[], $29::bigint[],
                              $30::timestamptz[])
                       AS c (account_id, debits_posted, credits_posted, debits_pending, credits_pending,
                             last_transfer_at)
                 WHERE a.tenant_id = $1 AND a.account_id = c.account_id
                RETURNING 1
            ), new_timeouts AS (
                INSERT INTO pending_timeouts (tenant_id, transfer_id, expires_at)
                SELECT $1, n.* FROM unnest($31::uuid[], $32::timestamptz[]) AS n
            ), settled_timeouts AS (
                DELETE FROM pending_timeouts WHERE tenant_id = $1 AND transfer_id = ANY($33::uuid[])
            ), events AS (
            """ + Outbox.insertFromArrays(34) + """
            )
            SELECT count(*) AS accounts_changed FROM changed_accounts""");

    @Override
    public Uni<Void> write(SqlConnection connection, TenantId tenant, TransferBatch.Plan plan,
                           List<OutboxEvent> events, List<TransferId> timeoutsSettled) {
        Tuple tuple = Tuple.tuple().addUUID(tenant.value());
        addTransfers(tuple, plan.created());
        addAccounts(tuple, plan.changedAccounts());
        addTimeouts(tuple, plan.created(), timeoutsSettled);
        Outbox.addArrays(tuple, events);
        return connection.preparedQuery(WRITE).execute(tuple)
                .onFailure(PgException.class).transform(PgPostings::translate)
                .map(rows -> {
                    long changed = rows.iterator().next().getLong("accounts_changed");
                    if (changed != plan.changedAccounts().size()) {
                        // Every new transfer changes both its accounts, so this also proves that
                        // each account a transfer names exists (the table has no foreign keys, for
                        // speed). The accounts are locked by this transaction: anything else is a bug.
                        throw new IllegalStateException("updated " + changed + " of "
                                + plan.changedAccounts().size() + " locked accounts of tenant " + tenant);
                    }
                    return null;
                });
    }

    private static String oneLine(String sql) {
        String line = sql.replaceAll("\\s+", " ").trim();
        if (line.length() > 2_048) {
            throw new IllegalStateException("the batch write is " + line.length()
                    + " characters: over the prepared statement cache's limit of 2,048");
        }
        return line;
    }

    private static Throwable translate(Throwable failure) {
        if (failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                && RACED_CONSTRAINTS.contains(pg.getConstraint())) {
            return new TransferIdTaken(failure);
        }
        return failure;
    }

    private static void addTransfers(Tuple tuple, List<Transfer> transfers) {
        int count = transfers.size();
        UUID[] ids = new UUID[count];
        UUID[] debits = new UUID[count];
        UUID[] credits = new UUID[count];
        Long[] amounts = new Long[count];
        String[] units = new String[count];
        UUID[] pendingIds = new UUID[count];
        String[] kinds = new String[count];
        Boolean[] linked = new Boolean[count];
        Integer[] timeouts = new Integer[count];
        OffsetDateTime[] expiresAt = new OffsetDateTime[count];
        String[] codes = new String[count];
        JsonObject[] metadata = new JsonObject[count];
        OffsetDateTime[] recordedAt = new OffsetDateTime[count];
        Buffer[] digests = new Buffer[count];
        Long[][] balances = new Long[8][count];
        String[] personal = new String[count];
        for (int i = 0; i < count; i++) {
            Transfer transfer = transfers.get(i);
            ids[i] = transfer.id().value();
            debits[i] = transfer.debitAccount().value();
            credits[i] = transfer.creditAccount().value();
            amounts[i] = transfer.amount();
            units[i] = transfer.unit();
            pendingIds[i] = transfer.pendingId().map(TransferId::value).orElse(null);
            kinds[i] = transfer.kind().wireName();
            linked[i] = transfer.linked();
            timeouts[i] = transfer.timeoutSeconds();
            expiresAt[i] = transfer.expiresAt().map(LedgerRows::utc).orElse(null);
            codes[i] = transfer.code();
            metadata[i] = LedgerRows.json(transfer.metadata());
            recordedAt[i] = LedgerRows.utc(transfer.timestamp());
            digests[i] = Buffer.buffer(transfer.digest().bytes());
            balances[0][i] = transfer.debitBalancesAfter().debitsPosted();
            balances[1][i] = transfer.debitBalancesAfter().creditsPosted();
            balances[2][i] = transfer.debitBalancesAfter().debitsPending();
            balances[3][i] = transfer.debitBalancesAfter().creditsPending();
            balances[4][i] = transfer.creditBalancesAfter().debitsPosted();
            balances[5][i] = transfer.creditBalancesAfter().creditsPosted();
            balances[6][i] = transfer.creditBalancesAfter().debitsPending();
            balances[7][i] = transfer.creditBalancesAfter().creditsPending();
            personal[i] = LedgerRows.personalMetadataColumn(transfer);
        }
        tuple.addArrayOfUUID(ids).addArrayOfUUID(debits).addArrayOfUUID(credits).addArrayOfLong(amounts)
                .addArrayOfString(units).addArrayOfUUID(pendingIds).addArrayOfString(kinds)
                .addArrayOfBoolean(linked).addArrayOfInteger(timeouts).addArrayOfOffsetDateTime(expiresAt)
                .addArrayOfString(codes).addArrayOfJsonObject(metadata).addArrayOfOffsetDateTime(recordedAt)
                // The Mutiny tuple has no typed adder for bytea[]; the core client takes Buffer[].
                .addValue(digests);
        for (Long[] column : balances) {
            tuple.addArrayOfLong(column);
        }
        tuple.addArrayOfString(personal);
    }

    private static void addAccounts(Tuple tuple, List<Account> accounts) {
        int count = accounts.size();
        UUID[] ids = new UUID[count];
        Long[] debitsPosted = new Long[count];
        Long[] creditsPosted = new Long[count];
        Long[] debitsPending = new Long[count];
        Long[] creditsPending = new Long[count];
        OffsetDateTime[] lastTransferAt = new OffsetDateTime[count];
        for (int i = 0; i < count; i++) {
            Account account = accounts.get(i);
            ids[i] = account.id().value();
            debitsPosted[i] = account.balances().debitsPosted();
            creditsPosted[i] = account.balances().creditsPosted();
            debitsPending[i] = account.balances().debitsPending();
            creditsPending[i] = account.balances().creditsPending();
            lastTransferAt[i] = account.lastTransferAt().map(LedgerRows::utc).orElse(null);
        }
        tuple.addArrayOfUUID(ids).addArrayOfLong(debitsPosted).addArrayOfLong(creditsPosted)
                .addArrayOfLong(debitsPending).addArrayOfLong(creditsPending)
                .addArrayOfOffsetDateTime(lastTransferAt);
    }

    private static void addTimeouts(Tuple tuple, List<Transfer> created, List<TransferId> settled) {
        List<UUID> ids = new ArrayList<>();
        List<OffsetDateTime> deadlines = new ArrayList<>();
        for (Transfer transfer : created) {
            if (transfer.kind() == TransferKind.PENDING && transfer.expiresAt().isPresent()) {
                ids.add(transfer.id().value());
                deadlines.add(LedgerRows.utc(transfer.expiresAt().get()));
            }
        }
        tuple.addArrayOfUUID(ids.toArray(UUID[]::new))
                .addArrayOfOffsetDateTime(deadlines.toArray(OffsetDateTime[]::new))
                .addArrayOfUUID(settled.stream().map(TransferId::value).toArray(UUID[]::new));
    }
}
