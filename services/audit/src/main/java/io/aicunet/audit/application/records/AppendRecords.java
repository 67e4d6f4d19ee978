package io.aicunet.audit.application.records;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.application.access.AuditClock;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.AuditRules;
import io.aicunet.audit.domain.RecordDraft;
import io.aicunet.platform.auditlog.SealedDetails;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Appends a batch of direct records (not events) to one tenant's log, in one transaction.
 * Their details count against the tenant's storage quota ({@link StorageQuota}): a batch
 * past it is RESOURCE_EXHAUSTED with the use before it, and nothing is appended.
 */
@ApplicationScoped
public class AppendRecords {

    public static final String ACTION = "audit.records.append";

    /** The reason of the refusal of details for a tenant without a data key. */
    public static final String NO_DATA_KEY = TenantDataKeys.KEY_UNAVAILABLE;

    /** One record as the caller states it. */
    public record RecordInput(String recordId, String actor, String action, String resource, String outcome,
                              String reason, String correlationId, Optional<Instant> occurredAt, byte[] details) {
    }

    /** {@code origin} is the edge it came through: grpc or rest. */
    public record AppendCommand(String tenantId, List<RecordInput> records, String origin) {
    }

    private final AuditAccess access;
    private final LogAppender appender;
    private final AuditServiceConfig config;
    private final AuditClock clock;
    private final DetailsSealing sealing;
    private final StorageQuota storage;

    public AppendRecords(AuditAccess access, LogAppender appender, AuditServiceConfig config, AuditClock clock,
                         DetailsSealing sealing, StorageQuota storage) {
        this.access = access;
        this.storage = storage;
        this.sealing = sealing;
        this.appender = appender;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Result<List<LogAppender.Placed>>> execute(Caller caller, AppendCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        List<RecordDraft> drafts = drafts(command, violations);
        return access.onLog(caller, command.tenantId(), ACTION, violations,
                (connection, tenant) -> sealed(tenant, drafts).flatMap(ready -> ready.isOk()
                        ? appender.append(connection, tenant, ready.value())
                                .flatMap(placed -> withinQuota(connection, tenant, placed))
                        : Uni.createFrom().item(Result.<List<LogAppender.Placed>>failed(ready.problem()))));
    }

    /**
     * A tenant's direct records count against its storage quota: an append that makes the
     * tenant's log hold more detail bytes than its storage_bytes is refused (the transaction
     * rolls back, nothing appended). The platform's own log belongs to no tenant's quota.
     */
    private Uni<Result<List<LogAppender.Placed>>> withinQuota(SqlConnection connection, UUID tenant,
                                                              List<LogAppender.Placed> placed) {
        if (!DetailsSealing.sealedFor(tenant)) {
            return Uni.createFrom().item(Result.ok(placed));
        }
        return storage.checkWrite(connection, new TenantId(tenant)).map(use -> use.isOk()
                ? Result.ok(placed)
                : Result.<List<LogAppender.Placed>>failed(use.problem()));
    }

    /**
     * The drafts with their details sealed with the tenant's current key. Details are
     * personal data the log may only keep sealed, so a tenant without a key (unknown, or
     * erased) cannot have records with details: refused, nothing appended. Records
     * without details, and the platform's own log, need no key.
     */
    private Uni<Result<List<RecordDraft>>> sealed(UUID tenant, List<RecordDraft> drafts) {
        if (!DetailsSealing.sealedFor(tenant) || drafts.stream().allMatch(d -> d.details().length == 0)) {
            return Uni.createFrom().item(Result.ok(drafts));
        }
        return sealing.currentKey(tenant).map(key -> key.isEmpty()
                ? Result.failed(new Problem.FailedPrecondition(NO_DATA_KEY, "tenants/" + tenant, "tenant " + tenant
                        + " has no data key (unknown to the tenant service, or erased): its records cannot carry"
                        + " details, which the audit log keeps only sealed with that key"))
                : Result.ok(drafts.stream().map(d -> DetailsSealing.seal(d, key.get())).toList()));
    }

    private List<RecordDraft> drafts(AppendCommand command, List<FieldViolation> violations) {
        AuditServiceConfig.Append limits = config.append();
        List<RecordInput> inputs = command.records() == null ? List.of() : command.records();
        if (inputs.isEmpty() || inputs.size() > limits.batchRecordsMax()) {
            violations.add(new FieldViolation("records", "must hold 1 to " + limits.batchRecordsMax()
                    + " records, held " + inputs.size()));
            return List.of();
        }
        long bytes = 0;
        List<RecordDraft> drafts = new ArrayList<>(inputs.size());
        Instant now = clock.now();
        for (int i = 0; i < inputs.size(); i++) {
            RecordInput input = inputs.get(i);
            String at = "records[" + i + "].";
            int before = violations.size();
            UUID recordId = UUID.randomUUID();
            if (input.recordId() != null && !input.recordId().isEmpty()) {
                try {
                    recordId = UUID.fromString(input.recordId());
                    if (!recordId.toString().equals(input.recordId().toLowerCase(java.util.Locale.ROOT))) {
                        throw new IllegalArgumentException("not canonical");
                    }
                } catch (IllegalArgumentException notUuid) {
                    violations.add(new FieldViolation(at + "record_id", "must be a UUID, or empty"));
                }
            }
            AuditRules.checkText(at + "actor", input.actor(), AuditRules.ACTOR_LENGTH_MAX, true, violations);
            AuditRules.checkText(at + "action", input.action(), AuditRules.ACTION_LENGTH_MAX, true, violations);
            AuditRules.checkText(at + "resource", input.resource(), AuditRules.RESOURCE_LENGTH_MAX, true, violations);
            AuditRules.checkText(at + "outcome", input.outcome(), AuditRules.OUTCOME_LENGTH_MAX, true, violations);
            AuditRules.checkText(at + "reason", input.reason(), AuditRules.REASON_LENGTH_MAX, false, violations);
            AuditRules.checkText(at + "correlation_id", input.correlationId(), AuditRules.CORRELATION_ID_LENGTH_MAX,
                    false, violations);
            byte[] details = input.details() == null ? new byte[0] : input.details();
            if (details.length > limits.detailsBytesMax()) {
                violations.add(new FieldViolation(at + "details", "must be at most " + limits.detailsBytesMax()
                        + " bytes, was " + details.length));
            }
            if (SealedDetails.isReference(details)) {
                violations.add(new FieldViolation(at + "details", "must not be a reference to sealed details"));
            }
            Instant occurredAt = input.occurredAt().orElse(now);
            if (occurredAt.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || occurredAt.isAfter(now.plusSeconds(300))) {
                violations.add(new FieldViolation(at + "occurred_at", "must lie between 1970 and 5 minutes from now"));
            }
            bytes += details.length + length(input.actor()) + length(input.action()) + length(input.resource())
                    + length(input.reason()) + length(input.correlationId());
            if (violations.size() == before) {
                drafts.add(new RecordDraft(recordId, occurredAt, command.origin(), input.actor().trim(),
                        input.action().trim(), input.resource().trim(), input.outcome().trim(),
                        input.reason() == null ? "" : input.reason().trim(),
                        input.correlationId() == null ? "" : input.correlationId().trim(), details));
            }
        }
        if (bytes > limits.batchBytesMax()) {
            violations.add(new FieldViolation("records", "must hold at most " + limits.batchBytesMax()
                    + " bytes of text and details, held " + bytes));
        }
        return drafts;
    }

    private static int length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
