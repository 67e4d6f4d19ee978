package io.aicunet.audit.domain;

import io.aicunet.platform.auditlog.AuditRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A record as stored: the record the chain covers, the ciphertext of its details when
 * they are sealed (empty when not sealed, or removed), and when a subject's erasure removed it.
 */
public record StoredRecord(AuditRecord record, Optional<String> sealedDetails, Optional<Instant> detailsRedactedAt) {

    public StoredRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(sealedDetails, "sealedDetails");
        Objects.requireNonNull(detailsRedactedAt, "detailsRedactedAt");
    }
}
