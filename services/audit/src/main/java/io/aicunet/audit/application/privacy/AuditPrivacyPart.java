package io.aicunet.audit.application.privacy;

import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.application.records.DetailsSealing;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.Sha256;
import io.aicunet.platform.privacy.ExportPage;
import io.aicunet.platform.privacy.PrivacyPart;
import io.aicunet.platform.privacy.PrivacyScope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The audit service's part of privacy requests. A data subject is the {@code actor} of
 * records (the caller of a direct record, the subject id the fleet knows a person by).
 *
 * <p>Export: the tenant's (or subject's) records, details decrypted while the key
 * exists. Erasure of a tenant changes nothing here: the records stay (the log must stay
 * verifiable) and their sealed details become unreadable when the tenant service
 * destroys the tenant's key, last; the answer counts the records left sealed. Erasure
 * of a subject removes the ciphertext of the subject's sealed details (the record hash
 * covers only its digest, so the chain still verifies), unless the tenant's log is
 * under legal hold, which keeps them and says so.
 */
@ApplicationScoped
public class AuditPrivacyPart implements PrivacyPart {

    /** The kind of record in exports and counts. */
    public static final String RECORDS = "audit_records";

    private final AuditLog log;
    private final DetailsSealing sealing;
    private final AuditServiceConfig config;

    public AuditPrivacyPart(AuditLog log, DetailsSealing sealing, AuditServiceConfig config) {
        this.log = log;
        this.sealing = sealing;
        this.config = config;
    }

    @Override
    public Multi<ExportPage> export(SqlConnection transaction, PrivacyScope scope) {
        UUID tenant = scope.tenant().value();
        AuditLog.RecordFilter filter = new AuditLog.RecordFilter(scope.subject(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        int page = config.privacy().exportPageRecords();
        return ExportPage.<Long>paged(RECORDS, after -> log.query(transaction, tenant, filter, after.orElse(0L), page)
                .flatMap(found -> sealing.reveal(tenant, found))
                .map(revealed -> new ExportPage.Fetched<>(revealed.stream().map(AuditPrivacyPart::json).toList(),
                        revealed.size() < page ? Optional.empty()
                                : Optional.of(revealed.get(revealed.size() - 1).record().sequence()))));
    }

    static JsonObject json(RevealedRecord revealed) {
        AuditRecord r = revealed.record();
        return new JsonObject()
                .put("tenant_id", r.tenantId().toString())
                .put("sequence", r.sequence())
                .put("record_id", r.recordId().toString())
                .put("occurred_at", r.occurredAt().toString())
                .put("recorded_at", r.recordedAt().toString())
                .put("origin", r.origin())
                .put("actor", r.actor())
                .put("action", r.action())
                .put("resource", r.resource())
                .put("outcome", r.outcome())
                .put("reason", r.reason())
                .put("correlation_id", r.correlationId())
                .put("details", revealed.details().map(Base64.getEncoder()::encodeToString).orElse(null))
                .put("details_state", revealed.state().wireName())
                .put("details_redacted_at", revealed.stored().detailsRedactedAt().map(Instant::toString).orElse(null))
                .put("record_hash", Sha256.hex(r.recordHash()));
    }

    @Override
    public Uni<Map<String, Long>> erase(SqlConnection transaction, PrivacyScope scope) {
        UUID tenant = scope.tenant().value();
        if (scope.wholeTenant()) {
            // Nothing to delete: the tenant service destroys the key last, which leaves every sealed detail unreadable.
            return log.countRecords(transaction, tenant, Optional.empty())
                    .map(counts -> Map.of(RECORDS + ".sealed", counts.sealed()));
        }
        String subject = scope.subject().orElseThrow();
        return log.policy(transaction, tenant).flatMap(policy -> {
            if (policy.legalHold()) {
                return log.countRecords(transaction, tenant, Optional.of(subject))
                        .map(counts -> Map.of(RECORDS + ".held", counts.sealed(), RECORDS + ".redacted", 0L));
            }
            return redact(transaction, tenant, subject, 0).map(redacted -> {
                Map<String, Long> counts = new TreeMap<>();
                counts.put(RECORDS + ".redacted", redacted);
                return counts;
            });
        });
    }

    /** Removes the subject's ciphertexts a bounded batch at a time, in the erasure's one transaction. */
    private Uni<Long> redact(SqlConnection connection, UUID tenant, String subject, long before) {
        int batch = config.privacy().redactionBatchRecords();
        return log.redactSealedDetails(connection, tenant, subject, batch).flatMap(redacted -> redacted < batch
                ? Uni.createFrom().item(before + redacted)
                : redact(connection, tenant, subject, before + redacted));
    }
}
