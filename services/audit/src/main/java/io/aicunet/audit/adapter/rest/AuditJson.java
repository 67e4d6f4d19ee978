package io.aicunet.audit.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.audit.application.records.AppendRecords.RecordInput;
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

/** The JSON bodies of the REST API, snake_case like the gRPC contract; hashes in hex, bytes in base64. */
final class AuditJson {

    private AuditJson() {
    }

    record RecordInputBody(
            @JsonProperty("record_id") String recordId,
            String actor,
            String action,
            String resource,
            String outcome,
            String reason,
            @JsonProperty("correlation_id") String correlationId,
            // Text, read below: Jackson reads a number as epoch seconds, and 1e999999 (or any
            // exponent beyond 63) as 1970-01-01, which the log then kept as when it happened.
            @JsonProperty("occurred_at") @Schema(type = SchemaType.STRING, format = "date-time") String occurredAt,
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

    record AppendBody(List<RecordInputBody> records) {
    }

    record AppendedBody(@JsonProperty("record_id") String recordId, long sequence, boolean replayed) {
    }

    record RecordBody(
            @JsonProperty("tenant_id") String tenantId,
            long sequence,
            @JsonProperty("record_id") String recordId,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("recorded_at") Instant recordedAt,
            String origin,
            String actor,
            String action,
            String resource,
            String outcome,
            String reason,
            @JsonProperty("correlation_id") String correlationId,
            String details,
            @JsonProperty("details_state") String detailsState,
            @JsonProperty("hashed_details") String hashedDetails,
            @JsonProperty("previous_hash") String previousHash,
            @JsonProperty("record_hash") String recordHash) {

        /**
         * {@code details}: base64 of the details as revealed, null when they cannot be read
         * ({@code details_state} unreadable or redacted); {@code hashed_details}: what the
         * record hash covers (the details, or the reference to their ciphertext).
         */
        static RecordBody of(RevealedRecord revealed) {
            AuditRecord r = revealed.record();
            return new RecordBody(r.tenantId().toString(), r.sequence(), r.recordId().toString(), r.occurredAt(),
                    r.recordedAt(), r.origin(), r.actor(), r.action(), r.resource(), r.outcome(), r.reason(),
                    r.correlationId(), revealed.details().map(Base64.getEncoder()::encodeToString).orElse(null),
                    revealed.state().wireName(), Base64.getEncoder().encodeToString(r.details()),
                    Sha256.hex(r.previousHash()), Sha256.hex(r.recordHash()));
        }
    }

    record RecordPageBody(List<RecordBody> records, @JsonProperty("next_page_token") String nextPageToken) {
    }

    record CheckpointBody(
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("tree_size") long treeSize,
            @JsonProperty("root_hash") String rootHash,
            @JsonProperty("issued_at") Instant issuedAt,
            @JsonProperty("key_id") String keyId,
            String signature) {

        static CheckpointBody of(SignedTreeHead c) {
            return new CheckpointBody(c.tenantId().toString(), c.treeSize(), Sha256.hex(c.rootHash()), c.issuedAt(),
                    c.keyId(), Base64.getEncoder().encodeToString(c.signature()));
        }
    }

    record FindingBody(String kind, long sequence, String detail) {
        static FindingBody of(Finding f) {
            return new FindingBody(f.kind().name(), f.sequence(), f.detail());
        }
    }

    record VerificationBody(
            boolean verified,
            @JsonProperty("first_sequence") long firstSequence,
            @JsonProperty("last_sequence") long lastSequence,
            @JsonProperty("records_verified") long recordsVerified,
            @JsonProperty("checkpoints_verified") long checkpointsVerified,
            List<FindingBody> findings) {

        static VerificationBody of(VerificationReport r) {
            return new VerificationBody(r.ok(), r.firstSequence(), r.lastSequence(), r.recordsVerified(),
                    r.checkpointsVerified(), r.findings().stream().map(FindingBody::of).toList());
        }
    }

    record LegalHoldBody(Boolean held, String reason) {
    }

    record KeyBody(@JsonProperty("key_id") String keyId, @JsonProperty("public_key") String publicKey, boolean active) {
    }
}
