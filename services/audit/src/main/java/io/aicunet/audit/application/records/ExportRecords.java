package io.aicunet.audit.application.records;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.application.access.AuditClock;
import io.aicunet.audit.application.checkpoints.Checkpointer;
import io.aicunet.audit.application.checkpoints.Proofs;
import io.aicunet.audit.application.checkpoints.TreeLoader;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.DetailsState;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.platform.auditlog.ExportAssembly;
import io.aicunet.platform.auditlog.ExportLine;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Exports a range of a tenant's records as JSON Lines with what the offline verifier
 * needs: the newest checkpoint covering the range (signed now if none does yet), the
 * tree nodes outside the range, older checkpoints with consistency proofs to it, and
 * inclusion proofs of the first and last record.
 */
@ApplicationScoped
public class ExportRecords {

    public static final String ACTION = "audit.records.export";

    /** Older checkpoints an export carries, with their consistency proofs. */
    static final int OLDER_CHECKPOINTS_MAX = 10;

    private final AuditAccess access;
    private final Checkpointer checkpointer;
    private final TreeLoader trees;
    private final AuditServiceConfig config;
    private final AuditClock clock;
    private final DetailsSealing sealing;

    public ExportRecords(AuditAccess access, Checkpointer checkpointer, TreeLoader trees, AuditServiceConfig config,
                         AuditClock clock, DetailsSealing sealing) {
        this.sealing = sealing;
        this.access = access;
        this.checkpointer = checkpointer;
        this.trees = trees;
        this.config = config;
        this.clock = clock;
    }

    /** @param firstSequence 0: the first retained; @param lastSequence 0: the last record */
    public Uni<Result<List<ExportLine>>> execute(Caller caller, String tenantId, long firstSequence, long lastSequence) {
        List<FieldViolation> violations = new ArrayList<>();
        if (firstSequence < 0) {
            violations.add(new FieldViolation("first_sequence", "must be 0 (the first retained record) or more"));
        }
        if (lastSequence < 0) {
            violations.add(new FieldViolation("last_sequence", "must be 0 (the last record) or more"));
        }
        // A report: read on the reporting datasource (a standby in production) when a signed
        // checkpoint there covers the range; else on the primary, which signs one (a write).
        return access.onLogForReport(caller, tenantId, ACTION, violations,
                        (connection, tenant) -> export(connection, tenant, firstSequence, lastSequence, false))
                .flatMap(onReport -> onReport.isOk() && onReport.value().isEmpty()
                        ? access.onLog(caller, tenantId, ACTION, List.of(), (connection, tenant) ->
                                export(connection, tenant, firstSequence, lastSequence, true))
                                .map(onPrimary -> onPrimary.map(Optional::orElseThrow))
                        : Uni.createFrom().item(onReport.map(Optional::orElseThrow)));
    }

    /**
     * The export read on {@code connection}; empty when no checkpoint covers the range and
     * {@code mayCheckpoint} is false (a read-only standby cannot sign one).
     */
    private Uni<Result<Optional<List<ExportLine>>>> export(SqlConnection connection, UUID tenant,
                                                           long firstSequence, long lastSequence,
                                                           boolean mayCheckpoint) {
        return access.log().findHead(connection, tenant).flatMap(found -> {
            if (!mayCheckpoint && (found.isEmpty() || lastSequence > found.get().treeSize())) {
                // The standby may not have replayed the log or the range yet: the primary answers.
                return Uni.createFrom().item(Result.ok(Optional.<List<ExportLine>>empty()));
            }
            if (found.isEmpty() || found.get().treeSize() == 0) {
                return Uni.createFrom().item(Result.<Optional<List<ExportLine>>>failed(
                        new Problem.NotFound("audit-log", tenant.toString())));
            }
            LogHead head = found.get();
            long first = firstSequence == 0 ? head.firstRetainedSequence() : firstSequence;
            long last = lastSequence == 0 ? head.treeSize() : lastSequence;
            if (head.removed(first)) {
                return Uni.createFrom().item(Result.<Optional<List<ExportLine>>>failed(
                        Proofs.removed(tenant, first, head)));
            }
            List<FieldViolation> range = new ArrayList<>();
            if (last > head.treeSize()) {
                range.add(new FieldViolation("last_sequence", "must be at most " + head.treeSize()
                        + ", the log's last record"));
            }
            if (first > last) {
                range.add(new FieldViolation("first_sequence", "must be at most last_sequence " + last));
            } else if (last - first + 1 > config.query().exportRecordsMax()) {
                range.add(new FieldViolation("last_sequence", "an export holds at most "
                        + config.query().exportRecordsMax() + " records"));
            }
            if (!range.isEmpty()) {
                return Uni.createFrom().item(Result.<Optional<List<ExportLine>>>failed(
                        new Problem.InvalidArgument(range)));
            }
            return covering(connection, tenant, last, mayCheckpoint).flatMap(checkpoint -> checkpoint.isEmpty()
                    ? Uni.createFrom().item(Result.ok(Optional.<List<ExportLine>>empty()))
                    : assemble(connection, tenant, checkpoint.get(), first, last)
                            .map(lines -> lines.map(Optional::of)));
        });
    }

    /**
     * The export's lines; a record with sealed details also carries its ciphertext (which
     * the verifier checks against the digest the record hash covers) and its details as
     * revealed now: readable while the tenant's key exists, null once it is gone.
     */
    private List<ExportLine> lines(List<RevealedRecord> records, SignedTreeHead head,
                                   List<SignedTreeHead> older, io.aicunet.platform.auditlog.MerkleTree.Nodes nodes) {
        Map<Long, RevealedRecord> bySequence = new HashMap<>();
        records.forEach(r -> bySequence.put(r.record().sequence(), r));
        List<ExportLine> lines = ExportAssembly.assemble(records.stream().map(RevealedRecord::record)
                .toList(), head, older, nodes, clock.now());
        return lines.stream().map(line -> {
            if (!(line instanceof ExportLine.Record r)) {
                return line;
            }
            RevealedRecord revealed = bySequence.get(r.record().sequence());
            if (revealed.state() == DetailsState.PLAIN) {
                return line;
            }
            return (ExportLine) new ExportLine.Record(r.record(), revealed.stored().sealedDetails().orElse(null),
                    revealed.state().wireName(), revealed.details().orElse(null));
        }).toList();
    }

    /**
     * The newest checkpoint if it covers {@code last}, else a new one when {@code mayCheckpoint}
     * (the log only grows), else none.
     */
    private Uni<Optional<SignedTreeHead>> covering(SqlConnection connection, UUID tenant, long last,
                                                   boolean mayCheckpoint) {
        return access.log().newestCheckpoint(connection, tenant).flatMap(newest -> {
            if (newest.isPresent() && newest.get().treeSize() >= last) {
                return Uni.createFrom().item(newest);
            }
            if (!mayCheckpoint) {
                return Uni.createFrom().item(Optional.<SignedTreeHead>empty());
            }
            return checkpointer.checkpoint(connection, tenant).map(c -> Optional.of(c.orElseThrow(
                    () -> new IllegalStateException("a log with records yielded no checkpoint"))));
        });
    }

    private Uni<Result<List<ExportLine>>> assemble(SqlConnection connection, UUID tenant, SignedTreeHead head,
                                                   long first, long last) {
        // The head as of the checkpoint: sizes beyond it are not part of this export's tree.
        return access.log().findHead(connection, tenant).flatMap(current -> {
            LogHead log = current.orElseThrow();
            return access.log().checkpoints(connection, tenant, head.treeSize(), OLDER_CHECKPOINTS_MAX)
                    .flatMap(older -> {
                        List<SignedTreeHead> kept = older.stream()
                                .filter(c -> !log.removed(c.treeSize()))
                                .toList();
                        Set<Long> leafSegments = new HashSet<>();
                        leafSegments.add(log.segmentOf(first));
                        leafSegments.add(log.segmentOf(last));
                        kept.forEach(c -> leafSegments.add(log.segmentOf(c.treeSize())));
                        return trees.load(connection, log, head.treeSize(), leafSegments)
                                .flatMap(nodes -> access.log().records(connection, tenant, first, last,
                                                (int) (last - first + 1))
                                        .flatMap(stored -> QueryRecords.reveal(sealing, tenant, stored))
                                        .map(revealed -> revealed.map(records -> lines(records, head, kept, nodes))));
                    });
        });
    }
}
