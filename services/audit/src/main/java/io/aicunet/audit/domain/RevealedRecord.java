package io.aicunet.audit.domain;

import io.aicunet.platform.auditlog.AuditRecord;
import java.util.Optional;

/** A stored record with its details as a reader gets them: empty when unreadable or redacted. */
public record RevealedRecord(StoredRecord stored, DetailsState state, Optional<byte[]> details) {

    public AuditRecord record() {
        return stored.record();
    }
}
