package io.aicunet.audit.application.records;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.application.access.PageTokens;
import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.audit.domain.StoredRecord;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a tenant's records by actor, action, resource, outcome and recording time, a page at
 * a time, on the reporting datasource (it may lag the primary by the replica lag).
 */
@ApplicationScoped
public class QueryRecords {

    public static final String ACTION = "audit.records.read";

    /** The longest actor, action, resource or outcome filter, in characters. */
    public static final int FILTER_LENGTH_MAX = 600;

    public record Query(String tenantId, Optional<String> actor, Optional<String> action, Optional<String> resource,
                        Optional<String> outcome, Optional<Instant> recordedFrom, Optional<Instant> recordedTo,
                        int pageSize, String pageToken) {
    }

    /** One page, in sequence order, details revealed where the key allows; {@code nextPageToken} is empty on the last. */
    public record Page(List<RevealedRecord> records, String nextPageToken) {
    }

    private final AuditAccess access;
    private final AuditServiceConfig config;
    private final DetailsSealing sealing;

    public QueryRecords(AuditAccess access, AuditServiceConfig config, DetailsSealing sealing) {
        this.access = access;
        this.config = config;
        this.sealing = sealing;
    }

    public Uni<Result<Page>> execute(Caller caller, Query query) {
        List<FieldViolation> violations = new ArrayList<>();
        int pageSize = PageTokens.pageSize(query.pageSize(), config.query().pageSizeDefault(),
                config.query().pageSizeMax(), violations);
        long after = PageTokens.decode(query.pageToken(), violations).orElse(0);
        query.recordedFrom().ifPresent(from -> InputChecks.checkTimestamp("recorded_from", from, violations));
        query.recordedTo().ifPresent(to -> InputChecks.checkTimestamp("recorded_to", to, violations));
        if (query.recordedFrom().isPresent() && query.recordedTo().isPresent()
                && !query.recordedFrom().get().isBefore(query.recordedTo().get())) {
            violations.add(new FieldViolation("recorded_to", "must be after recorded_from"));
        }
        checkFilter("actor", query.actor(), violations);
        checkFilter("action", query.action(), violations);
        checkFilter("resource", query.resource(), violations);
        checkFilter("outcome", query.outcome(), violations);
        AuditLog.RecordFilter filter = new AuditLog.RecordFilter(query.actor(), query.action(), query.resource(),
                query.outcome(), query.recordedFrom(), query.recordedTo());
        // A report: read on the reporting datasource (a standby in production), so a record
        // appended a moment ago may not be found yet (docs/audit.md, "Reporting").
        return access.onLogForReport(caller, query.tenantId(), ACTION, violations, (connection, tenant) -> access.log()
                .query(connection, tenant, filter, after, pageSize + 1)
                .flatMap(found -> {
                    boolean more = found.size() > pageSize;
                    List<StoredRecord> page = more ? found.subList(0, pageSize) : found;
                    String next = more ? PageTokens.encode(page.get(page.size() - 1).record().sequence()) : "";
                    return reveal(sealing, tenant, page).map(revealed -> revealed.map(r -> new Page(r, next)));
                }));
    }

    /** The records revealed; Unavailable when the tenant service, which holds the keys, cannot be reached. */
    static Uni<Result<List<RevealedRecord>>> reveal(DetailsSealing sealing, java.util.UUID tenant,
                                                                   List<StoredRecord> records) {
        return sealing.reveal(tenant, records).map(Result::ok)
                .onFailure().recoverWithItem(failure -> Result.failed(new Problem.Unavailable(
                        "the tenant's data key cannot be fetched to read sealed details: " + failure.getMessage())));
    }

    /**
     * A filter is 1 to {@link #FILTER_LENGTH_MAX} characters (code points) of what a record's
     * text may hold: no control character but a tab. A NUL would otherwise reach PostgreSQL,
     * which refuses it in a text parameter (22021), as a 500.
     */
    private static void checkFilter(String field, Optional<String> value, List<FieldViolation> violations) {
        if (value.isEmpty()) {
            return;
        }
        String text = value.get();
        if (text.isEmpty() || text.codePointCount(0, text.length()) > FILTER_LENGTH_MAX) {
            violations.add(new FieldViolation(field, "must be 1 to " + FILTER_LENGTH_MAX + " characters when given"));
            return;
        }
        String characters = InputChecks.charactersProblem(text.replace('\t', ' '), false);
        if (characters != null) {
            violations.add(new FieldViolation(field, "must not contain control characters: " + characters));
        }
    }
}
