package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ForkThreadCommand;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Checkpoints.ThreadHead;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Starts a new thread of the same agent from any checkpoint of an existing thread: its
 * first checkpoint (version 1) copies that checkpoint's state (sealed, as stored) and
 * metadata, inside the database, and names it as parent; the caller's subject is its
 * creator. The source thread does not change. The copy's state counts against the
 * tenant's storage quota like a save's ({@link StorageQuota}).
 */
@ApplicationScoped
public class ForkThread {

    public static final String ACTION = "agent-state.threads.fork";

    /** What ForkThread produced; {@code replayed} when it repeats the first result of the key. */
    public record Forked(CheckpointSummary checkpoint, boolean replayed) {
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final IdempotencyKeys keys;
    private final CheckpointCaching caching;
    private final StorageQuota storage;

    public ForkThread(AgentStateAccess access, Checkpoints checkpoints, IdempotencyKeys keys,
                      CheckpointCaching caching, StorageQuota storage) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.caching = caching;
        this.storage = storage;
    }

    public Uni<Result<Forked>> execute(Caller caller, ForkThreadCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        Optional<ThreadId> threadId = AgentInputs.threadId("thread_id", command.threadId(), violations);
        Optional<CheckpointId> source = AgentInputs.checkpointId(command.checkpointId(), violations);
        boolean newThreadNamed = command.newThreadId() != null && !command.newThreadId().isEmpty();
        Optional<ThreadId> newThreadId = !newThreadNamed
                ? Optional.of(ThreadId.random())
                : AgentInputs.threadId("new_thread_id", command.newThreadId(), violations);
        AgentStateRules.checkOptionalIdempotencyKey(command.idempotencyKey(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Optional<String> key = Optional.ofNullable(command.idempotencyKey()).filter(k -> !k.isEmpty());
        byte[] digest = RequestDigest.builder().text("ForkThread").uuid(agentId.get().value())
                .uuid(threadId.get().value()).uuid(source.get().value())
                .uuid(newThreadNamed ? newThreadId.map(ThreadId::value) : Optional.empty()).build().bytes();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return access.inTenant(caller, tenant.value(), ACTION, AgentStateAccess.THREAD, threadId.get().toString(),
                        connection -> replayed(connection, tenant.value(), caller.subject(), key, digest)
                                .flatMap(replay -> replay.isPresent()
                                        ? Uni.createFrom().item(replay.get())
                                        : fork(connection, tenant.value(), caller.subject(), agentId.get(),
                                                threadId.get(), source.get(), newThreadId.get(), key, digest, now)))
                .call(result -> result.isOk() && result.value().written().isPresent()
                        ? caching.publish(result.value().written().get())
                        : Uni.createFrom().voidItem())
                .map(result -> result.map(outcome -> new Forked(outcome.summary(), outcome.replayed())));
    }

    private Uni<Result<Outcome>> fork(SqlConnection connection, TenantId tenant, String subject, AgentId agentId,
                                      ThreadId threadId, CheckpointId source, ThreadId newThreadId,
                                      Optional<String> key, byte[] digest, Instant now) {
        return checkpoints.find(connection, source).flatMap(found -> {
            if (found.isEmpty() || !found.get().summary().agentId().equals(agentId)
                    || !found.get().summary().threadId().equals(threadId)) {
                return AgentStateAccess.<Outcome>refuse(new Problem.NotFound(AgentStateAccess.CHECKPOINT,
                        source.toString()));
            }
            CheckpointId id = CheckpointId.random();
            ThreadHead head = new ThreadHead(newThreadId, tenant, agentId, 1, id);
            return checkpoints.insertThread(connection, head, Optional.of(source), now).flatMap(inserted -> {
                if (!inserted) {
                    return AgentStateAccess.<Outcome>refuse(new Problem.Conflict("THREAD_ID_TAKEN",
                            "thread id " + newThreadId + " is taken; choose another for the fork"));
                }
                Uni<Boolean> claimed = key.isEmpty()
                        ? Uni.createFrom().item(true)
                        : keys.claim(connection, tenant, subject, key.get(), digest, id.value());
                return claimed.flatMap(ok -> {
                    if (!ok) {
                        return AgentStateAccess.<Outcome>refuse(new Problem.Conflict("IDEMPOTENCY_KEY_IN_USE",
                                "idempotency key " + key.get() + " was just used by a concurrent request; retry"));
                    }
                    return caching.fence(connection, tenant, newThreadId, 1)
                            .flatMap(ignored -> checkpoints.insertCopy(connection, id, newThreadId, source, now,
                                    subject))
                            .flatMap(copy -> storage.checkWrite(connection, tenant).flatMap(use -> use.isOk()
                                    ? access.announce(connection, tenant, agentId,
                                                    AgentStateEvents.threadForked(copy.summary(), source))
                                            .map(ignored -> Result.ok(new Outcome(copy.summary(), false,
                                                    Optional.of(copy))))
                                    : AgentStateAccess.<Outcome>refuse(use.problem())));
                });
            });
        });
    }

    private Uni<Optional<Result<Outcome>>> replayed(SqlConnection connection, TenantId tenant, String subject,
                                                   Optional<String> key, byte[] digest) {
        if (key.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return keys.find(connection, tenant, subject, key.get()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.empty());
            }
            if (!Arrays.equals(found.get().requestDigest(), digest)) {
                return Uni.createFrom().item(Optional.of(Result.<Outcome>failed(new Problem.Conflict(
                        "IDEMPOTENCY_KEY_REUSED", "idempotency key " + key.get()
                        + " was used for a different request"))));
            }
            CheckpointId first = new CheckpointId(found.get().resultId());
            return checkpoints.find(connection, first).map(checkpoint -> Optional.of(checkpoint
                    .<Result<Outcome>>map(c -> Result.ok(new Outcome(c.summary(), true, Optional.empty())))
                    .orElseGet(() -> Result.failed(new Problem.NotFound(AgentStateAccess.CHECKPOINT,
                            first.toString())))));
        });
    }

    /** The fork's first checkpoint, and the full checkpoint when this call wrote it (to cache after commit). */
    private record Outcome(CheckpointSummary summary, boolean replayed, Optional<StoredCheckpoint> written) {
    }
}
