package io.aicunet.ledger.adapter.persistence;

import io.aicunet.ledger.domain.Account;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Balances;
import io.aicunet.ledger.domain.PersonalMetadata;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferKind;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.tenancy.TenantId;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** How accounts and transfers map to rows: the column lists and the row readers, in one place. */
final class LedgerRows {

    static final String ACCOUNT_COLUMNS = """
            tenant_id, account_id, code, unit, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
            closed, debits_posted, credits_posted, debits_pending, credits_pending, created_at, last_transfer_at,
            subject_id""";

    static final String TRANSFER_COLUMNS = """
            tenant_id, transfer_id, debit_account_id, credit_account_id, amount, unit, pending_id, kind, linked,
            timeout_seconds, expires_at, code, metadata, recorded_at, request_sha256,
            debit_debits_posted, debit_credits_posted, debit_debits_pending, debit_credits_pending,
            credit_debits_posted, credit_credits_posted, credit_debits_pending, credit_credits_pending,
            personal_metadata""";

    private LedgerRows() {
    }

    static Account account(Row row) {
        return new Account(
                new AccountId(row.getUUID("account_id")),
                new TenantId(row.getUUID("tenant_id")),
                row.getString("code"),
                row.getString("unit"),
                row.getBoolean("debits_must_not_exceed_credits"),
                row.getBoolean("credits_must_not_exceed_debits"),
                row.getBoolean("closed"),
                new Balances(row.getLong("debits_posted"), row.getLong("credits_posted"),
                        row.getLong("debits_pending"), row.getLong("credits_pending")),
                instant(row.getOffsetDateTime("created_at")),
                Optional.ofNullable(row.getOffsetDateTime("last_transfer_at")).map(LedgerRows::instant),
                Optional.ofNullable(row.getString("subject_id")));
    }

    static Transfer transfer(Row row) {
        UUID pending = row.getUUID("pending_id");
        return new Transfer(
                new TransferId(row.getUUID("transfer_id")),
                new TenantId(row.getUUID("tenant_id")),
                new AccountId(row.getUUID("debit_account_id")),
                new AccountId(row.getUUID("credit_account_id")),
                row.getLong("amount"),
                row.getString("unit"),
                Optional.ofNullable(pending).map(TransferId::new),
                TransferKind.fromWireName(row.getString("kind")).orElseThrow(() -> new IllegalStateException(
                        "unknown transfer kind " + row.getString("kind") + " in the database")),
                row.getBoolean("linked"),
                row.getInteger("timeout_seconds"),
                Optional.ofNullable(row.getOffsetDateTime("expires_at")).map(LedgerRows::instant),
                row.getString("code"),
                metadata(row.getJsonObject("metadata")),
                personalMetadata(row.getString("personal_metadata")),
                instant(row.getOffsetDateTime("recorded_at")),
                new RequestDigest(row.getBuffer("request_sha256").getBytes()),
                new Balances(row.getLong("debit_debits_posted"), row.getLong("debit_credits_posted"),
                        row.getLong("debit_debits_pending"), row.getLong("debit_credits_pending")),
                new Balances(row.getLong("credit_debits_posted"), row.getLong("credit_credits_posted"),
                        row.getLong("credit_debits_pending"), row.getLong("credit_credits_pending")));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static JsonObject json(Map<String, String> metadata) {
        JsonObject json = new JsonObject();
        metadata.forEach(json::put);
        return json;
    }

    /** As stored: a ciphertext, or none (never given, or erased). */
    private static PersonalMetadata personalMetadata(String ciphertext) {
        return ciphertext == null ? PersonalMetadata.NONE : new PersonalMetadata.Sealed(ciphertext);
    }

    /** The column value of a transfer's personal metadata: its ciphertext, or null when it has none. */
    static String personalMetadataColumn(Transfer transfer) {
        PersonalMetadata personal = transfer.personalMetadata();
        if (personal instanceof PersonalMetadata.Sealed sealed) {
            return sealed.ciphertext();
        }
        if (personal.needsSealing()) {
            throw new IllegalStateException("transfer " + transfer.id() + " reached the database with personal"
                    + " metadata in plaintext: it must be sealed with the tenant's data key first");
        }
        return null;
    }

    private static Map<String, String> metadata(JsonObject json) {
        Map<String, String> metadata = new TreeMap<>();
        json.forEach(entry -> metadata.put(entry.getKey(), String.valueOf(entry.getValue())));
        return metadata;
    }

    private static Instant instant(OffsetDateTime time) {
        return time.toInstant();
    }
}
