package io.aicunet.ledger.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import java.util.Map;
import java.util.Set;

/**
 * Every column of the ledger's schema, personal or not: the one place that says what
 * is personal data here (DataClassificationTest holds the schema to it). Personal:
 * {@code accounts.subject_id} (whom the account belongs to; kept in plaintext because
 * privacy requests look accounts up by it, emptied by erasure) and
 * {@code transfers.personal_metadata} (only ever a ciphertext of the tenant's data
 * key, emptied by erasure and retention). Everything else is accounting or technical
 * data: {@code transfers.metadata} is by contract not personal (callers put personal
 * data in personal_metadata), and the ledger's events, the outbox payloads, carry no
 * personal data (see LedgerEvents).
 */
public final class LedgerPersonalData {

    public static final PersonalData DECLARATION = new PersonalData(
            Map.of(
                    "accounts", Set.of("subject_id"),
                    "transfers", Set.of("personal_metadata")),
            Map.of(
                    "accounts", Set.of("tenant_id", "account_id", "code", "unit", "debits_must_not_exceed_credits",
                            "credits_must_not_exceed_debits", "closed", "debits_posted", "credits_posted",
                            "debits_pending", "credits_pending", "created_at", "last_transfer_at"),
                    "transfers", Set.of("tenant_id", "transfer_id", "debit_account_id", "credit_account_id", "amount",
                            "unit", "pending_id", "kind", "linked", "timeout_seconds", "expires_at", "code", "metadata",
                            "recorded_at", "request_sha256", "debit_debits_posted", "debit_credits_posted",
                            "debit_debits_pending", "debit_credits_pending", "credit_debits_posted",
                            "credit_credits_posted", "credit_debits_pending", "credit_credits_pending"),
                    "pending_timeouts", Set.of("tenant_id", "transfer_id", "expires_at"),
                    "tenants", Set.of("tenant_id", "status", "suspension_reason", "updated_at", "tokens_per_day",
                            "quotas_version"),
                    "token_budget_days", Set.of("tenant_id", "day", "reserved", "used"),
                    "tenant_storage", Set.of("tenant_id", "bytes", "updated_at"),
                    "outbox_events", Set.of("id", "event_id", "topic", "event_key", "bucket", "event_type", "source",
                            "tenant_id", "aggregate_id", "occurred_at", "payload", "created_at"),
                    "inbox_events", Set.of("consumer", "event_id", "received_at"),
                    "tenant_sweeps", Set.of("sweep", "resume_after", "updated_at")));

    private LedgerPersonalData() {
    }
}
