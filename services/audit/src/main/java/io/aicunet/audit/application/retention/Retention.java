package io.aicunet.audit.application.retention;

import io.aicunet.audit.application.access.AuditClock;
import io.aicunet.audit.application.checkpoints.Checkpointer;
import io.aicunet.audit.application.port.AuditLog;
import io.aicunet.audit.domain.LogHead;
import io.aicunet.audit.domain.RetentionDecision;
import io.aicunet.platform.auditlog.SignedTreeHead;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * Removes a tenant's expired records, whole segments only, through the database's
 * retention function (the only way rows leave the log, which checks every rule
 * again). Segments are sealed first, so their roots stay for the tree.
 */
@ApplicationScoped
public class Retention {

    /** What a run did. */
    public record Outcome(long recordsRemoved, long firstRetainedSequence, String keptBecause) {
    }

    private final AuditLog log;
    private final Checkpointer checkpointer;
    private final AuditClock clock;

    public Retention(AuditLog log, Checkpointer checkpointer, AuditClock clock) {
        this.log = log;
        this.checkpointer = checkpointer;
        this.clock = clock;
    }

    public Uni<Outcome> apply(SqlConnection connection, UUID tenant) {
        return log.findHead(connection, tenant).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Outcome(0, 1, RetentionDecision.KEPT_NOTHING_EXPIRED));
            }
            LogHead head = found.get();
            return log.policy(connection, tenant).flatMap(policy -> {
                if (policy.legalHold() || policy.retentionDays().isEmpty()) {
                    RetentionDecision decision = RetentionDecision.decide(head, policy, 0, 0, 0);
                    return Uni.createFrom().item(kept(head, decision));
                }
                java.time.Instant cutoff = clock.now().minus(Duration.ofDays(policy.retentionDays().getAsInt()));
                return checkpointer.seal(connection, head)
                        .flatMap(ignored -> log.lastExpired(connection, tenant, head.firstRetainedSequence(), cutoff))
                        .flatMap(lastExpired -> log.newestCheckpoint(connection, tenant).flatMap(newest -> {
                            long checkpointSize = newest.map(SignedTreeHead::treeSize).orElse(0L);
                            RetentionDecision decision = RetentionDecision.decide(head, policy, lastExpired,
                                    checkpointSize, head.fullSegments());
                            if (decision instanceof RetentionDecision.Remove remove) {
                                return log.removeExpiredSegments(connection, tenant, remove.upToSequence())
                                        .map(removed -> new Outcome(removed, remove.upToSequence() + 1, ""));
                            }
                            return Uni.createFrom().item(kept(head, decision));
                        }));
            });
        });
    }

    private static Outcome kept(LogHead head, RetentionDecision decision) {
        return new Outcome(0, head.firstRetainedSequence(), ((RetentionDecision.Keep) decision).because());
    }
}
