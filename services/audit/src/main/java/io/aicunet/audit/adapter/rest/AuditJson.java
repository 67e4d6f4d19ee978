package io.aicunet.audit.adapter.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.audit.application.records.AppendRecords.RecordInput;
import io.aicunet.audit.domain.AuditRules;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.Sha256;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.auditlog.VerificationReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON bodies of the REST API, snake_case like the gRPC contract; hashes in hex, bytes in base64.
 *
 * <p>The {@code @Schema}s say exactly what the use cases enforce (AuditRules, AppendRecords,
 * SetLegalHold): a body valid by them is not refused as malformed, and one invalid by them
 * is. Lengths count characters (code points), as JSON Schema and the service both do; the
 * text patterns are AuditRules' (no control character but a tab, and for a required text
 * at least one character that is not white space in Java's sense). Rules that depend on
 * the service's clock or on more than one field are in the descriptions.
 */
final class AuditJson {

    /** A character a record's text may hold: anything but a control character (C0, DEL, C1), a tab excepted. */
    private static final String TEXT_CHARACTER = "[^\\x00-\\x08\\x0A-\\x1F\\x7F-\\x9F]";
    /** A character that is neither a control character nor white space ({@link Character#isWhitespace}). */
    private static final String VISIBLE_CHARACTER = "[^\\x00-\\x20\\x7F-\\x9F\\u1680\\u2000-\\u2006\\u2008-\\u200A"
            + "\\u2028\\u2029\\u205F\\u3000]";
    /** A required text: AuditRules.checkText with required = true. */
    static final String REQUIRED_TEXT = "^" + TEXT_CHARACTER + "*" + VISIBLE_CHARACTER + TEXT_CHARACTER + "*$";
    /** An optional text: AuditRules.checkText with required = false (empty or white space allowed). */
    static final String OPTIONAL_TEXT = "^" + TEXT_CHARACTER + "*$";
    /** A UUID as java.util.UUID reads and the service accepts it, any case. */
    static final String UUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /**
     * The rest of an RFC 3339 date-time after its year, as Instant.parse reads it: up to 9
     * fraction digits, offsets to 18 hours, a leap second.
     */
    private static final String TIME_OF_DAY = "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3])"
            + ":[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?([Zz]|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)$";
    /** occurred_at: from 1970 (the service's earliest) on. */
    static final String OCCURRED_AT = "^(19[7-9][0-9]|[2-9][0-9]{3})" + TIME_OF_DAY;
    /** A query time: from year 0001 on (platform InputChecks.TIMESTAMP_MIN), so not year 0000. */
    static final String QUERY_TIME = "^([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)" + TIME_OF_DAY;
    private static final String BASE64_CHARACTER = "[A-Za-z0-9+/]";
    /**
     * Base64 (RFC 4648, padding optional) of at most 16,384 bytes (audit.append.details-bytes-max):
     * 5,460 groups of four and a last group of two to four, or 5,461 groups and one byte more.
     */
    static final String DETAILS_BASE64 = "^((" + BASE64_CHARACTER + "{4}){0,5460}(" + BASE64_CHARACTER + "{4}|"
            + BASE64_CHARACTER + "{2}(==)?|" + BASE64_CHARACTER + "{3}=?)?|(" + BASE64_CHARACTER + "{4}){5461}"
            + BASE64_CHARACTER + "{2}(==)?)$";
    /** The base64 length of audit.append.details-bytes-max (16,384) bytes, padded. */
    static final int DETAILS_BASE64_LENGTH_MAX = 21_848;
    /** A SHA-256 in hex. */
    static final String SHA256_HEX = "^[0-9a-f]{64}$";

    private AuditJson() {
    }

    @Schema(name = "RecordInput", description = "One direct record as the caller states it.",
            additionalProperties = Schema.False.class)
    record RecordInputBody(
            @JsonProperty("record_id")
            @Schema(pattern = "^(" + UUID_TEXT + ")?$", description = "The record's id, a UUID: appending it again"
                    + " answers the record kept (`replayed`). Absent or empty: a new id.")
            String recordId,
            @Schema(required = true, minLength = 1, maxLength = AuditRules.ACTOR_LENGTH_MAX, pattern = REQUIRED_TEXT,
                    description = "Who acted.")
            String actor,
            @Schema(required = true, minLength = 1, maxLength = AuditRules.ACTION_LENGTH_MAX, pattern = REQUIRED_TEXT,
                    description = "What was done, e.g. `ledger.transfers.post`.")
            String action,
            @Schema(required = true, minLength = 1, maxLength = AuditRules.RESOURCE_LENGTH_MAX, pattern = REQUIRED_TEXT,
                    description = "On what.")
            String resource,
            @Schema(required = true, minLength = 1, maxLength = AuditRules.OUTCOME_LENGTH_MAX, pattern = REQUIRED_TEXT,
                    description = "How it ended, e.g. `success`.")
            String outcome,
            @Schema(maxLength = AuditRules.REASON_LENGTH_MAX, pattern = OPTIONAL_TEXT, description = "Why.")
            String reason,
            @JsonProperty("correlation_id")
            @Schema(maxLength = AuditRules.CORRELATION_ID_LENGTH_MAX, pattern = OPTIONAL_TEXT,
                    description = "Ties the record to a request or a trace.")
            String correlationId,
            // Text, read below: Jackson reads a number as epoch seconds, and 1e999999 (or any
            // exponent beyond 63) as 1970-01-01, which the log then kept as when it happened.
            @JsonProperty("occurred_at")
            @Schema(type = SchemaType.STRING, format = "date-time", pattern = OCCURRED_AT,
                    description = "When it happened (RFC 3339), from 1970-01-01T00:00:00Z to 5 minutes after the"
                            + " service's clock; a later time is refused (400). Absent: when the service received it.")
            String occurredAt,
            @Schema(format = "byte", maxLength = DETAILS_BASE64_LENGTH_MAX, pattern = DETAILS_BASE64,
                    description = "Details, base64 of at most 16384 bytes (audit.append.details-bytes-max), sealed with"
                            + " the tenant's data key; a tenant without one refuses details (409). Bytes that are a"
                            + " reference to sealed details are refused.")
            String details) {

        /** Whether occurred_at is absent or an RFC 3339 date-time Instant can hold. */
        boolean occurredAtReadable() {
            return occurredAt == null || occurredAtInstant().isPresent();
        }

        private Optional<Instant> occurredAtInstant() {
            if (occurredAt == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Instant.parse(occurredAt));
            } catch (DateTimeParseException notRfc3339) {
                return Optional.empty();
            }
        }

        RecordInput toInput() {
            byte[] bytes;
            try {
                bytes = details == null ? new byte[0] : Base64.getDecoder().decode(details);
            } catch (IllegalArgumentException notBase64) {
                // The use case names the field; a marker too large to pass would be wrong, so say it plainly.
                bytes = null;
            }
            return new RecordInput(recordId, actor, action, resource, outcome, reason, correlationId,
                    occurredAtInstant(), bytes);
        }
    }

    @Schema(name = "AppendRequest", description = "A batch of direct records for one tenant's log. Its text and"
            + " details together hold at most 4,000,000 bytes (audit.append.batch-bytes-max); more is refused (400).",
            additionalProperties = Schema.False.class)
    record AppendBody(
            @Schema(required = true, minItems = 1, maxItems = 1000, description = "1 to 1000 records"
                    + " (audit.append.batch-records-max), appended in this order.")
            List<RecordInputBody> records) {
    }

    @Schema(name = "AppendedRecord", description = "Where a record of the batch was placed.")
    record AppendedBody(
            @JsonProperty("record_id") @Schema(required = true, format = "uuid") String recordId,
            @Schema(required = true, minimum = "1", description = "Its position in the tenant's log.") long sequence,
            @Schema(required = true, description = "True when the record id was appended before: the record kept"
                    + " is answered and nothing is appended.") boolean replayed) {
    }

    @Schema(name = "Record", description = "A record of the log.")
    record RecordBody(
            @JsonProperty("tenant_id") @Schema(required = true, format = "uuid") String tenantId,
            @Schema(required = true, minimum = "1") long sequence,
            @JsonProperty("record_id") @Schema(required = true, format = "uuid") String recordId,
            @JsonProperty("occurred_at") @Schema(required = true) Instant occurredAt,
            @JsonProperty("recorded_at") @Schema(required = true) Instant recordedAt,
            @Schema(required = true, description = "The edge it came through (`grpc`, `rest`) or the topic of an"
                    + " event.") String origin,
            @Schema(required = true) String actor,
            @Schema(required = true) String action,
            @Schema(required = true) String resource,
            @Schema(required = true) String outcome,
            @Schema(required = true) String reason,
            @JsonProperty("correlation_id") @Schema(required = true) String correlationId,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(format = "byte", description = "Base64 of the details as revealed; absent when they cannot be"
                    + " read (`details_state` unreadable or redacted).")
            String details,
            @JsonProperty("details_state")
            @Schema(required = true, enumeration = {"plain", "decrypted", "unreadable", "redacted"})
            String detailsState,
            @JsonProperty("hashed_details")
            @Schema(required = true, format = "byte", description = "Base64 of what the record hash covers: the"
                    + " details, or the reference to their ciphertext.")
            String hashedDetails,
            @JsonProperty("previous_hash") @Schema(required = true, pattern = SHA256_HEX) String previousHash,
            @JsonProperty("record_hash") @Schema(required = true, pattern = SHA256_HEX) String recordHash) {

        static RecordBody of(RevealedRecord revealed) {
            AuditRecord r = revealed.record();
            return new RecordBody(r.tenantId().toString(), r.sequence(), r.recordId().toString(), r.occurredAt(),
                    r.recordedAt(), r.origin(), r.actor(), r.action(), r.resource(), r.outcome(), r.reason(),
                    r.correlationId(), revealed.details().map(Base64.getEncoder()::encodeToString).orElse(null),
                    revealed.state().wireName(), Base64.getEncoder().encodeToString(r.details()),
                    Sha256.hex(r.previousHash()), Sha256.hex(r.recordHash()));
        }
    }

    @Schema(name = "RecordPage", description = "One page of records, in sequence order.")
    record RecordPageBody(
            @Schema(required = true) List<RecordBody> records,
            @JsonProperty("next_page_token")
            @Schema(required = true, description = "The `page_token` of the next page; empty on the last page.")
            String nextPageToken) {
    }

    @Schema(name = "Checkpoint", description = "A signed tree head of a tenant's log.")
    record CheckpointBody(
            @JsonProperty("tenant_id") @Schema(required = true, format = "uuid") String tenantId,
            @JsonProperty("tree_size") @Schema(required = true, minimum = "1") long treeSize,
            @JsonProperty("root_hash") @Schema(required = true, pattern = SHA256_HEX) String rootHash,
            @JsonProperty("issued_at") @Schema(required = true) Instant issuedAt,
            @JsonProperty("key_id")
            @Schema(required = true, description = "The key that signed it (GET /v1/audit/keys).") String keyId,
            @Schema(required = true, format = "byte", description = "Ed25519 signature, base64.") String signature) {

        static CheckpointBody of(SignedTreeHead c) {
            return new CheckpointBody(c.tenantId().toString(), c.treeSize(), Sha256.hex(c.rootHash()), c.issuedAt(),
                    c.keyId(), Base64.getEncoder().encodeToString(c.signature()));
        }
    }

    @Schema(name = "Finding", description = "One thing the verification found wrong.")
    record FindingBody(
            @Schema(required = true, enumeration = {"MALFORMED", "WRONG_TENANT", "RECORD_ALTERED", "CHAIN_BROKEN",
                    "RECORD_REMOVED", "RECORDS_REORDERED", "RECORD_DUPLICATED", "NO_CHECKPOINT", "UNKNOWN_KEY",
                    "SIGNATURE_INVALID", "TREE_INCOMPLETE", "ROOT_MISMATCH", "SEGMENT_ROOT_MISMATCH",
                    "INCLUSION_PROOF_INVALID", "CONSISTENCY_PROOF_INVALID"})
            String kind,
            @Schema(required = true, minimum = "0", description = "The record it concerns; 0: none.") long sequence,
            @Schema(required = true) String detail) {
        static FindingBody of(Finding f) {
            return new FindingBody(f.kind().name(), f.sequence(), f.detail());
        }
    }

    @Schema(name = "Verification", description = "What verifying the stored log found.")
    record VerificationBody(
            @Schema(required = true, description = "True when nothing was found wrong.") boolean verified,
            @JsonProperty("first_sequence") @Schema(required = true, minimum = "0") long firstSequence,
            @JsonProperty("last_sequence") @Schema(required = true, minimum = "0") long lastSequence,
            @JsonProperty("records_verified") @Schema(required = true, minimum = "0") long recordsVerified,
            @JsonProperty("checkpoints_verified") @Schema(required = true, minimum = "0") long checkpointsVerified,
            @Schema(required = true) List<FindingBody> findings) {

        static VerificationBody of(VerificationReport r) {
            return new VerificationBody(r.ok(), r.firstSequence(), r.lastSequence(), r.recordsVerified(),
                    r.checkpointsVerified(), r.findings().stream().map(FindingBody::of).toList());
        }
    }

    /** The body of PUT legal-hold as Jackson reads it; documented as {@link LegalHoldPlacement} or {@link LegalHoldLifting}. */
    record LegalHoldBody(Boolean held, String reason) {
    }

    @Schema(name = "LegalHoldPlacement", description = "Place a legal hold, saying why.",
            additionalProperties = Schema.False.class)
    record LegalHoldPlacement(
            @Schema(required = true, type = SchemaType.BOOLEAN, constValue = "true") Boolean held,
            @Schema(required = true, minLength = 1, maxLength = AuditRules.LEGAL_HOLD_REASON_LENGTH_MAX,
                    pattern = REQUIRED_TEXT, description = "Why the tenant's records must be kept.") String reason) {
    }

    @Schema(name = "LegalHoldLifting", description = "Lift the legal hold.", additionalProperties = Schema.False.class)
    record LegalHoldLifting(
            @Schema(required = true, type = SchemaType.BOOLEAN, constValue = "false") Boolean held,
            @Schema(maxLength = AuditRules.LEGAL_HOLD_REASON_LENGTH_MAX, pattern = OPTIONAL_TEXT,
                    description = "Why, if the caller wants to say.") String reason) {
    }

    @Schema(name = "LegalHold", description = "The tenant's legal hold as it now is.")
    record LegalHoldStateBody(
            @Schema(required = true) boolean held,
            @Schema(required = true, description = "The reason kept; empty when none was given.") String reason) {
    }

    @Schema(name = "VerificationKey", description = "A public key that verifies checkpoints.")
    record KeyBody(
            @JsonProperty("key_id") @Schema(required = true) String keyId,
            @JsonProperty("public_key") @Schema(required = true, format = "byte",
                    description = "The Ed25519 public key, base64 of its X.509 encoding.") String publicKey,
            @Schema(required = true, description = "True for the key that signs new checkpoints.") boolean active) {
    }
}
