package io.aicunet.audit.application.records;

import io.aicunet.audit.application.access.AuditClock;
import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.RecordDraft;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Appends records to one tenant's log in the caller's transaction. The tenant's head
 * row is locked first, so appends of one tenant are serialised (gap-free sequences,
 * one chain) while different tenants append in parallel. A record id the log already
 * holds is not appended again: its first sequence is returned.
 */
@ApplicationScoped
public class LogAppender {

    /** Where one draft ended up. */
    public record Placed(UUID recordId, long sequence, boolean replayed) {
    }

    private final AuditLog log;
    private final AuditClock clock;
    private final AuditServiceConfig config;

    public LogAppender(AuditLog log, AuditClock clock, AuditServiceConfig config) {
        this.log = log;
        this.clock = clock;
        this.config = config;
    }

    public Uni<List<Placed>> append(SqlConnection connection, UUID tenantId, List<RecordDraft> drafts) {
        List<UUID> ids = drafts.stream().map(RecordDraft::recordId).distinct().toList();
        return log.lockHead(connection, tenantId, config.segments().size())
                .flatMap(head -> log.findRecordIds(connection, tenantId, ids)
                        .flatMap(existing -> place(connection, head, drafts, existing)));
    }

    /**
     * Appends drafts whose ids the caller knows to be new (the ingest's inbox said so),
     * saving the look-up; the unique (tenant, record id) constraint still guards it.
     */
    public Uni<List<Placed>> appendNew(SqlConnection connection, UUID tenantId, List<RecordDraft> drafts) {
        return log.lockHead(connection, tenantId, config.segments().size())
                .flatMap(head -> place(connection, head, drafts, Map.of()));
    }

    private Uni<List<Placed>> place(SqlConnection connection, LogHead head, List<RecordDraft> drafts,
                                    Map<UUID, Long> existing) {
        // A batch may name one record id twice: the first occurrence is appended, the rest replay it.
        Map<UUID, RecordDraft> fresh = new LinkedHashMap<>();
        for (RecordDraft draft : drafts) {
            if (!existing.containsKey(draft.recordId())) {
                fresh.putIfAbsent(draft.recordId(), draft);
            }
        }
        LogHead.Appended appended = head.append(new ArrayList<>(fresh.values()), clock.now());
        Map<UUID, Long> sequences = new HashMap<>(existing);
        appended.records().forEach(r -> sequences.put(r.recordId(), r.sequence()));
        List<Placed> placed = new ArrayList<>(drafts.size());
        java.util.Set<UUID> seen = new java.util.HashSet<>();
        for (RecordDraft draft : drafts) {
            boolean replayed = existing.containsKey(draft.recordId()) || !seen.add(draft.recordId());
            placed.add(new Placed(draft.recordId(), sequences.get(draft.recordId()), replayed));
        }
        if (appended.records().isEmpty()) {
            return Uni.createFrom().item(placed);
        }
        List<java.util.Optional<String>> sealed = appended.records().stream()
                .map(r -> fresh.get(r.recordId()).sealedDetails())
                .toList();
        return log.insertRecords(connection, appended.records(), sealed)
                .flatMap(ignored -> log.saveHead(connection, appended.head()))
                .replaceWith(placed);
    }
}
