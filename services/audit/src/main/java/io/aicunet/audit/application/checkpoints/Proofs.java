package io.aicunet.audit.application.checkpoints;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.MerkleTree;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Inclusion proofs of records and consistency proofs between checkpoints (RFC 9162). */
@ApplicationScoped
public class Proofs {

    public static final String ACTION = "audit.records.read";

    public record Inclusion(SignedTreeHead checkpoint, AuditRecord record, List<byte[]> path) {
    }

    public record Consistency(SignedTreeHead first, SignedTreeHead second, List<byte[]> path) {
    }

    private final AuditAccess access;
    private final TreeLoader trees;

    public Proofs(AuditAccess access, TreeLoader trees) {
        this.access = access;
        this.trees = trees;
    }

    /** The audit path of record {@code sequence} in the checkpoint of {@code treeSize} (0: the newest). */
    public Uni<Result<Inclusion>> inclusion(Caller caller, String tenantId, long sequence, long treeSize) {
        List<FieldViolation> violations = new ArrayList<>();
        if (sequence < 1) {
            violations.add(new FieldViolation("sequence", "must be 1 or more"));
        }
        if (treeSize < 0) {
            violations.add(new FieldViolation("tree_size", "must be 0 (the newest checkpoint) or more"));
        }
        return access.onLog(caller, tenantId, ACTION, violations, (connection, tenant) -> context(connection, tenant,
                treeSize).flatMap(found -> {
                    if (!found.isOk()) {
                        return Uni.createFrom().item(Result.<Inclusion>failed(found.problem()));
                    }
                    LogHead head = found.value().head();
                    SignedTreeHead checkpoint = found.value().checkpoint();
                    if (sequence > checkpoint.treeSize()) {
                        return Uni.createFrom().item(Result.<Inclusion>failed(Problem.InvalidArgument.of("sequence",
                                "must be at most the checkpoint's tree size " + checkpoint.treeSize())));
                    }
                    if (head.removed(sequence)) {
                        return Uni.createFrom().item(Result.<Inclusion>failed(removed(tenant, sequence, head)));
                    }
                    return access.log().records(connection, tenant, sequence, sequence, 1).flatMap(records -> trees
                            .load(connection, head, checkpoint.treeSize(), Set.of(head.segmentOf(sequence)))
                            .map(nodes -> Result.ok(new Inclusion(checkpoint, records.get(0).record(),
                                    MerkleTree.inclusionPath(nodes, sequence - 1, checkpoint.treeSize())))));
                }));
    }

    /** The proof that checkpoint {@code firstSize} is a prefix of checkpoint {@code secondSize} (0: the newest). */
    public Uni<Result<Consistency>> consistency(Caller caller, String tenantId, long firstSize, long secondSize) {
        List<FieldViolation> violations = new ArrayList<>();
        if (firstSize < 1) {
            violations.add(new FieldViolation("first_tree_size", "must be 1 or more"));
        }
        if (secondSize < 0) {
            violations.add(new FieldViolation("second_tree_size", "must be 0 (the newest checkpoint) or more"));
        }
        return access.onLog(caller, tenantId, ACTION, violations, (connection, tenant) -> context(connection, tenant,
                secondSize).flatMap(found -> {
                    if (!found.isOk()) {
                        return Uni.createFrom().item(Result.<Consistency>failed(found.problem()));
                    }
                    SignedTreeHead second = found.value().checkpoint();
                    LogHead head = found.value().head();
                    if (firstSize > second.treeSize()) {
                        return Uni.createFrom().item(Result.<Consistency>failed(Problem.InvalidArgument.of(
                                "first_tree_size", "must be at most the second tree size " + second.treeSize())));
                    }
                    return access.log().checkpoint(connection, tenant, firstSize).flatMap(first -> first.isEmpty()
                            ? Uni.createFrom().item(Result.<Consistency>failed(
                                    new Problem.NotFound("checkpoint", tenant + "/" + firstSize)))
                            : trees.load(connection, head, second.treeSize(), Set.of(head.segmentOf(firstSize)))
                                    .map(nodes -> Result.ok(new Consistency(first.get(), second, MerkleTree
                                            .consistencyPath(nodes, firstSize, second.treeSize())))));
                }));
    }

    record Context(LogHead head, SignedTreeHead checkpoint) {
    }

    /** The head and the checkpoint of {@code treeSize} (0: the newest), or why there is none. */
    Uni<Result<Context>> context(SqlConnection connection, UUID tenant, long treeSize) {
        return access.log().findHead(connection, tenant).flatMap(head -> {
            if (head.isEmpty()) {
                return Uni.createFrom().item(Result.failed(new Problem.NotFound("audit-log", tenant.toString())));
            }
            Uni<Optional<SignedTreeHead>> checkpoint = treeSize == 0
                    ? access.log().newestCheckpoint(connection, tenant)
                    : access.log().checkpoint(connection, tenant, treeSize);
            return checkpoint.map(found -> found.isEmpty()
                    ? Result.failed(new Problem.NotFound("checkpoint", tenant + "/" + (treeSize == 0 ? "newest" : treeSize)))
                    : Result.ok(new Context(head.get(), found.get())));
        });
    }

    public static Problem removed(UUID tenant, long sequence, LogHead head) {
        return new Problem.FailedPrecondition("RECORDS_REMOVED", tenant + "/" + sequence, "record " + sequence
                + " of tenant " + tenant + " was removed by retention; the log now starts at record "
                + head.firstRetainedSequence());
    }
}
