package io.aicunet.audit.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import java.util.Map;
import java.util.Set;

/**
 * Every column the audit service stores, personal or not (checked against the schema by
 * DataClassificationTest); docs/audit.md, Privacy, says what happens to each.
 *
 * <p>Personal: a record's details (sealed with the tenant's data key: {@code details}
 * then holds only the reference the hash covers, {@code sealed_details} the ciphertext),
 * and the identifiers a record names, {@code actor} (the data subject of a direct
 * record), {@code resource} and {@code reason}. Those three are covered by the record
 * hash as they are, so they cannot be changed or erased without breaking the chain:
 * callers put pseudonymous ids there and personal content in the details. The legal
 * hold's reason is free text a compliance officer writes. Everything else is hashes,
 * sequences, times and ids of events.
 */
public final class AuditPersonalData {

    public static final PersonalData DECLARATION = PersonalData.withOutboxAndInbox(
            Map.of(
                    "audit_records", Set.of("actor", "resource", "reason", "details", "sealed_details"),
                    "audit_tenant_policies", Set.of("legal_hold_reason")),
            Map.of(
                    "audit_records", Set.of("tenant_id", "sequence", "record_id", "occurred_at", "recorded_at",
                            "origin", "action", "outcome", "correlation_id", "previous_hash", "record_hash",
                            "details_redacted_at"),
                    "audit_heads", Set.of("tenant_id", "segment_size", "tree_size", "last_record_hash",
                            "first_retained_sequence", "created_at", "updated_at"),
                    "audit_segments", Set.of("tenant_id", "segment_number", "first_sequence", "last_sequence",
                            "root_hash", "last_record_hash", "sealed_at"),
                    "audit_checkpoints", Set.of("tenant_id", "tree_size", "root_hash", "issued_at", "key_id",
                            "signature"),
                    "audit_tenant_policies", Set.of("tenant_id", "retention_days", "tenant_version", "legal_hold",
                            "updated_at"),
                    "audit_removals", Set.of("tenant_id", "up_to_sequence", "records_removed", "anchor_hash",
                            "removed_at"),
                    "tenant_storage", Set.of("tenant_id", "bytes", "updated_at"),
                    "tenant_sweeps", Set.of("sweep", "resume_after", "updated_at")));

    private AuditPersonalData() {
    }
}
