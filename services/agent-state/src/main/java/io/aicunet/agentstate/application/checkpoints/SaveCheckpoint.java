package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.JsonDocuments;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.SaveCheckpointCommand;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Checkpoints.ThreadHead;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.GroupCommit;
import io.aicunet.platform.tenancy.GroupCommitConfig;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.sqlclient.DatabaseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Saves a checkpoint as the next version of a thread, with compare-and-set on the
 * version the client last saw (0 starts the thread). The thread row is locked while
 * its version is compared, so of two saves at the same expected version exactly one
 * wins; the other learns the thread's current version. Optionally only for the holder
 * of the agent's newest lease token, and once per idempotency key.
 *
 * <p>The state is stored encrypted with the tenant's data key (as jsonb would render
 * it), in PostgreSQL and in the cache; a tenant without a key is refused before
 * anything changes. The caller's subject is recorded as the checkpoint's creator, for
 * privacy requests.
 *
 * <p>Before commit the new version is fenced in the Redis cache (or a cache repair is
 * recorded when Redis does not answer: the save succeeds all the same); after commit
 * the checkpoint is cached. See {@link CheckpointCaching}.
 *
 * <p>The state's bytes count against the tenant's storage quota ({@link StorageQuota}):
 * a save that would make the tenant store more than its {@code storage_bytes} here is
 * RESOURCE_EXHAUSTED with the use before it, and nothing is saved.
 *
 * <p><b>Group commit.</b> Input checks, authorization and the tenant's data key come
 * first, per call and outside any transaction. Then concurrent saves of one tenant are
 * committed together in one transaction of that tenant ({@link GroupCommit}, group
 * {@value #GROUP}, settings {@code aicunet.group-commit.*}), each answered exactly as if
 * it had run alone: a save on an idle tenant runs at once, alone, in a transaction of its
 * own as before; saves arriving while it runs form the next group. In a group:
 * <ul>
 *   <li>The saves run one after another, each in its own savepoint
 *       ({@link TenantTransactions#eachInSavepoint}), ordered by thread id; saves of one
 *       thread keep their arrival order. Any serial order is a valid one for concurrent
 *       calls, and each save sees what the saves before it wrote: the second save of a
 *       thread at the same expected version hears VERSION_CONFLICT with the first's version,
 *       a retry with the first's idempotency key hears the first's checkpoint as replayed.</li>
 *   <li>Before the first save writes anything, the group locks every agent it fences (FOR
 *       SHARE) and every existing thread it advances (FOR UPDATE), each kind in id order.
 *       A save's first insert locks the tenant's storage count until commit, so without
 *       this a group holding that count could wait for a thread another replica's
 *       transaction holds while that transaction waits for the count: a deadlock. The
 *       one order (agents, threads, then the count) is the order a lone save already
 *       takes.</li>
 *   <li>A refused save (a stale fencing token, an unknown thread, an idempotency key in
 *       use, the storage quota after its insert) is rolled back to its savepoint with all
 *       it wrote, its cache repair included: its neighbours commit. Its Redis fence, set
 *       while its insert ran, stays raised for a version that never committed. A fence never
 *       makes anything servable: it drops the cached version below it and keeps any version
 *       below it from being served or put. So the thread's entry only misses (reads go to
 *       PostgreSQL) until that version is really saved by a later save and cached, or the
 *       entry expires; exactly as after a lone save that rolled back.</li>
 *   <li>A group that cannot commit as a whole wrote nothing, and each of its saves runs
 *       again alone: a statement error, an answer that does not encode, or a deadlock,
 *       which the lock order leaves possible only between transactions racing for one new
 *       thread id or one idempotency key, or with a tenant erasure's batch (which locks the
 *       tenant's threads in id order too, but more rows than a save). A lone save that PostgreSQL chose as a deadlock's
 *       victim was rolled back whole, and runs again (at most
 *       {@value #DEADLOCK_RETRIES_MAX} times) rather than failing as a bug.</li>
 * </ul>
 * Each caller's checkpoint is cached after the commit by that caller, as before.
 */
@ApplicationScoped
public class SaveCheckpoint {

    public static final String ACTION = "agent-state.checkpoints.write";

    /** The name of the saves' group commit, the tag {@code group} of its metrics. */
    public static final String GROUP = "agent-state.checkpoints";

    /** How often a save that lost a deadlock runs again, its transaction having been rolled back whole. */
    static final int DEADLOCK_RETRIES_MAX = 2;

    /** PostgreSQL's SQL state deadlock_detected. */
    private static final String DEADLOCK_DETECTED = "40P01";

    /** How deep the cause chain of a failure is searched for a deadlock. */
    private static final int CAUSES_MAX = 16;

    /** What a save ended in: saved (or replayed), or refused because the thread moved on. */
    public sealed interface Outcome {
    }

    public record Saved(CheckpointSummary checkpoint, boolean replayed) implements Outcome {
    }

    /** The thread is at {@code currentVersion}, not at the expected version: nothing was saved. */
    public record VersionConflict(ThreadId threadId, long currentVersion, long expectedVersion) implements Outcome {

        public Problem problem() {
            return new Problem.Conflict("VERSION_CONFLICT", "thread " + threadId + " is at version "
                    + currentVersion + ", not " + expectedVersion);
        }
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final IdempotencyKeys keys;
    private final CheckpointCaching caching;
    private final TenantCipher cipher;
    private final StorageQuota storage;
    private final int stateBytesMax;
    private final GroupCommit<TenantId, Save, Outcome> saves;

    public SaveCheckpoint(AgentStateAccess access, Checkpoints checkpoints, IdempotencyKeys keys,
                          CheckpointCaching caching, TenantCipher cipher, StorageQuota storage,
                          AgentStateServiceConfig config, GroupCommitConfig groupCommit, MeterRegistry meters) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.caching = caching;
        this.cipher = cipher;
        this.storage = storage;
        this.stateBytesMax = config.stateBytesMax();
        this.saves = new GroupCommit<>(GROUP, groupCommit.settings(), meters, this::saveGroup);
    }

    public Uni<Result<Outcome>> execute(Caller caller, SaveCheckpointCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(command.agentId(), violations);
        Optional<ThreadId> threadId = AgentInputs.threadId("thread_id", command.threadId(), violations);
        if (command.expectedVersion() < 0) {
            violations.add(new FieldViolation("expected_version", "must be 0 (a new thread) or the thread's version"));
        }
        OptionalInt stateBytes = JsonDocuments.check("state_json", command.stateJson(), stateBytesMax, violations);
        Map<String, String> metadata = command.metadata() == null ? Map.of() : command.metadata();
        AgentStateRules.checkMetadata(metadata, violations);
        AgentStateRules.checkFencingToken(command.fencingToken(), violations);
        AgentStateRules.checkOptionalIdempotencyKey(command.idempotencyKey(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        Optional<String> key = Optional.ofNullable(command.idempotencyKey()).filter(k -> !k.isEmpty());
        byte[] digest = RequestDigest.builder().text("SaveCheckpoint").uuid(agentId.get().value())
                .uuid(threadId.get().value()).number(command.expectedVersion()).text(command.stateJson())
                .textMap(metadata).number(command.fencingToken()).build().bytes();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Resource resource = Resource.owned(AgentStateAccess.THREAD, threadId.get().toString(), tenant.value());
        return access.authorized(caller, ACTION, resource, () -> cipher.currentKey(tenant.value())
                        .flatMap(dataKey -> {
                            if (!dataKey.isOk()) {
                                return AgentStateAccess.<Outcome>refuse(dataKey.problem());
                            }
                            Save save = new Save(tenant.value(), caller.subject(), agentId.get(), threadId.get(),
                                    command.expectedVersion(), command.stateJson(), stateBytes.getAsInt(), metadata,
                                    command.fencingToken(), key, digest, now, dataKey.value());
                            return saves.submit(save.tenant(), save)
                                    .onFailure(SaveCheckpoint::deadlocked).retry().atMost(DEADLOCK_RETRIES_MAX);
                        }))
                .call(result -> result.isOk() && result.value() instanceof Written written
                        ? caching.publish(written.checkpoint())
                        : Uni.createFrom().voidItem())
                .map(result -> result.map(outcome -> outcome instanceof Written written
                        ? new Saved(written.checkpoint().summary(), false)
                        : outcome));
    }

    /**
     * The saves of one group in one transaction of their tenant, in lock order (thread id,
     * then arrival), each in its own savepoint; the answers in the members' order. Each
     * answer is rendered before the commit in its caller's context, as a lone save's is.
     */
    private Uni<Result<List<Result<Outcome>>>> saveGroup(TenantId tenant, List<GroupCommit.Member<Save>> members) {
        List<Integer> order = lockOrder(members);
        List<GroupCommit.Member<Save>> ordered = new ArrayList<>(members.size());
        order.forEach(index -> ordered.add(members.get(index)));
        return TenantTransactions.inTenantGroup(access.pool(), TenantScope.of(tenant), ordered,
                        connection -> lockRows(connection, ordered).chain(() -> TenantTransactions.eachInSavepoint(
                                connection, ordered, this::saveOne)))
                .map(results -> results.map(answers -> inCallOrder(order, answers)));
    }

    /**
     * The members' indexes by thread id (as PostgreSQL orders uuids), members of one thread
     * in arrival order (the sort is stable).
     */
    private static List<Integer> lockOrder(List<GroupCommit.Member<Save>> members) {
        List<Integer> order = new ArrayList<>(members.size());
        for (int index = 0; index < members.size(); index++) {
            order.add(index);
        }
        order.sort(Comparator.comparing(index -> members.get(index).input().threadId().toString()));
        return order;
    }

    /** Answers in lock order put back in the members' order. */
    private static List<Result<Outcome>> inCallOrder(List<Integer> order, List<Result<Outcome>> inLockOrder) {
        if (inLockOrder.size() != order.size()) {
            throw new IllegalStateException("a group of " + order.size() + " saves answered " + inLockOrder.size()
                    + " results");
        }
        List<Result<Outcome>> answers = new ArrayList<>(Collections.nCopies(order.size(), null));
        for (int position = 0; position < order.size(); position++) {
            answers.set(order.get(position), inLockOrder.get(position));
        }
        return answers;
    }

    /**
     * For a group of several saves, before any of them writes: locks the agents fenced
     * (FOR SHARE) and then the existing threads advanced (FOR UPDATE), each in id order, so
     * that the group takes its row locks in the order a lone save does (agent, thread, then
     * the tenant's storage count at the first insert) and never waits for a row while it
     * holds the storage count. A lone save takes the same locks as it goes, as it always did.
     */
    private Uni<Void> lockRows(SqlConnection connection, List<GroupCommit.Member<Save>> members) {
        if (members.size() == 1) {
            return Uni.createFrom().voidItem();
        }
        Set<AgentId> fenced = new LinkedHashSet<>();
        Set<ThreadId> advanced = new LinkedHashSet<>();
        for (GroupCommit.Member<Save> member : members) {
            if (member.input().fencingToken() != 0) {
                fenced.add(member.input().agentId());
            }
            if (member.input().expectedVersion() > 0) {
                advanced.add(member.input().threadId());
            }
        }
        Uni<Void> agentsLocked = fenced.isEmpty()
                ? Uni.createFrom().voidItem()
                : access.agents().lockShared(connection, List.copyOf(fenced));
        return agentsLocked.chain(() -> advanced.isEmpty()
                ? Uni.createFrom().voidItem()
                : checkpoints.lockThreads(connection, List.copyOf(advanced)));
    }

    /** One save in the current transaction: a replay of its idempotency key, or the save on its agent. */
    private Uni<Result<Outcome>> saveOne(SqlConnection connection, Save save) {
        return replayed(connection, save).flatMap(replay -> replay.isPresent()
                ? Uni.createFrom().item(replay.get())
                : access.withAgent(connection, save.agentId(),
                        save.fencingToken() == 0 ? LockMode.NONE : LockMode.SHARE,
                        agent -> save(connection, save, agent)));
    }

    /** Whether PostgreSQL ended the transaction as a deadlock's victim (it rolled back whole). */
    static boolean deadlocked(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < CAUSES_MAX; depth++) {
            if (cause instanceof DatabaseException database && DEADLOCK_DETECTED.equals(database.getSqlState())) {
                return true;
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return false;
    }

    private Uni<Result<Outcome>> save(SqlConnection connection, Save save, Agent agent) {
        Optional<Problem> stale = agent.checkFencingToken(save.fencingToken());
        if (stale.isPresent()) {
            return AgentStateAccess.refuse(stale.get());
        }
        CheckpointId id = CheckpointId.random();
        Uni<Result<Advance>> advanced = save.expectedVersion() == 0
                ? startThread(connection, save, id)
                : advanceThread(connection, save, id);
        // The state is normalised (as jsonb renders it) in the same round trip as the
        // thread's first statement: a conflict merely wastes the rendering.
        return Uni.combine().all().unis(advanced, checkpoints.normalise(connection, save.stateJson())).asTuple()
                .flatMap(advancedAndState -> {
                    Result<Advance> advance = advancedAndState.getItem1();
                    if (!advance.isOk()) {
                        return Uni.createFrom().item(Result.<Outcome>failed(advance.problem()));
                    }
                    if (advance.value().conflict()) {
                        return conflict(connection, save);
                    }
                    StoredCheckpoint stored = TenantCipher.seal(save.dataKey(), new Checkpoint(id, save.tenant(),
                            save.agentId(), save.threadId(), advance.value().parent(), save.expectedVersion() + 1,
                            advancedAndState.getItem2(), save.stateBytes(), save.metadata(), save.now()));
                    return claimKey(connection, save, id).flatMap(claimed -> claimed.isOk()
                            ? written(connection, save, stored)
                            : Uni.createFrom().item(Result.<Outcome>failed(claimed.problem())));
                });
    }

    /**
     * Writes the checkpoint, checks the storage quota and announces it, the three
     * statements in one round trip (PostgreSQL runs them in order, so the quota sees the
     * insert), while the new version is fenced in Redis; all four end before the commit. A
     * save refused for its quota rolls back with its announcement; a statement that fails
     * leaves the transaction aborted, so the statements after it fail too and nothing
     * commits.
     */
    private Uni<Result<Outcome>> written(SqlConnection connection, Save save, StoredCheckpoint stored) {
        return Uni.combine().all()
                .unis(caching.fence(connection, save.tenant(), save.threadId(), stored.summary().version()),
                        checkpoints.insert(connection, stored, save.subject()),
                        storage.checkWrite(connection, save.tenant()),
                        access.announce(connection, save.tenant(), save.agentId(),
                                AgentStateEvents.checkpointSaved(stored.summary())))
                .with((fenced, inserted, use, announced) -> use.isOk()
                        ? Result.<Outcome>ok(new Written(stored))
                        : Result.<Outcome>failed(use.problem()));
    }

    /**
     * Starts the thread, or finds it exists (a version conflict); fails when the id
     * belongs to another agent or tenant.
     */
    private Uni<Result<Advance>> startThread(SqlConnection connection, Save save, CheckpointId id) {
        ThreadHead head = new ThreadHead(save.threadId(), save.tenant(), save.agentId(), 1, id);
        return checkpoints.insertThread(connection, head, Optional.empty(), save.now()).flatMap(inserted -> inserted
                ? Uni.createFrom().item(Result.ok(Advance.to(Optional.empty())))
                : checkpoints.findThread(connection, save.threadId(), LockMode.NONE).map(found -> found.isPresent()
                        && found.get().agentId().equals(save.agentId())
                        ? Result.ok(Advance.CONFLICT)
                        : Result.failed(new Problem.Conflict("THREAD_ID_TAKEN", "thread id " + save.threadId()
                                + " is taken by another agent; choose another for a new thread"))));
    }

    /** Moves the locked thread to the next version, or finds it at another version (a conflict). */
    private Uni<Result<Advance>> advanceThread(SqlConnection connection, Save save, CheckpointId id) {
        return checkpoints.findThread(connection, save.threadId(), LockMode.UPDATE).flatMap(found -> {
            if (found.isEmpty() || !found.get().agentId().equals(save.agentId())) {
                return AgentStateAccess.refuse(new Problem.NotFound(AgentStateAccess.THREAD,
                        save.threadId().toString()));
            }
            ThreadHead head = found.get();
            if (head.latestVersion() != save.expectedVersion()) {
                return Uni.createFrom().item(Result.ok(Advance.CONFLICT));
            }
            return checkpoints.advanceThread(connection, save.threadId(), save.expectedVersion() + 1, id, save.now())
                    .map(ignored -> Result.ok(Advance.to(Optional.of(head.latestCheckpointId()))));
        });
    }

    /**
     * The thread moved on. If the same idempotency key saved meanwhile (a retry racing
     * its first attempt), that is the answer; else the current version.
     */
    private Uni<Result<Outcome>> conflict(SqlConnection connection, Save save) {
        return replayed(connection, save).flatMap(replay -> replay.isPresent()
                ? Uni.createFrom().item(replay.get())
                : checkpoints.findThread(connection, save.threadId(), LockMode.NONE).map(head -> Result.ok(
                        new VersionConflict(save.threadId(), head.orElseThrow().latestVersion(),
                                save.expectedVersion()))));
    }

    private Uni<Result<Boolean>> claimKey(SqlConnection connection, Save save, CheckpointId id) {
        if (save.key().isEmpty()) {
            return Uni.createFrom().item(Result.ok(true));
        }
        return keys.claim(connection, save.tenant(), save.subject(), save.key().get(), save.digest(), id.value())
                .map(claimed -> claimed
                        ? Result.ok(true)
                        : Result.failed(new Problem.Conflict("IDEMPOTENCY_KEY_IN_USE", "idempotency key "
                                + save.key().get() + " was just used by a concurrent request; retry to get its"
                                + " result")));
    }

    /** The first result of this save's idempotency key, if the key was used. */
    private Uni<Optional<Result<Outcome>>> replayed(SqlConnection connection, Save save) {
        if (save.key().isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return keys.find(connection, save.tenant(), save.subject(), save.key().get()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.empty());
            }
            if (!Arrays.equals(found.get().requestDigest(), save.digest())) {
                return Uni.createFrom().item(Optional.of(Result.failed(new Problem.Conflict("IDEMPOTENCY_KEY_REUSED",
                        "idempotency key " + save.key().get() + " was used for a different request"))));
            }
            CheckpointId first = new CheckpointId(found.get().resultId());
            return checkpoints.find(connection, first).map(checkpoint -> Optional.of(checkpoint
                    .<Result<Outcome>>map(c -> Result.ok(new Saved(c.summary(), true)))
                    .orElseGet(() -> Result.failed(new Problem.NotFound(AgentStateAccess.CHECKPOINT,
                            first.toString())))));
        });
    }

    /** Whether the thread moved to the new version, and the new checkpoint's parent if it did. */
    private record Advance(boolean conflict, Optional<CheckpointId> parent) {

        static final Advance CONFLICT = new Advance(true, Optional.empty());

        static Advance to(Optional<CheckpointId> parent) {
            return new Advance(false, parent);
        }
    }

    /** A checkpoint this call wrote, its state sealed, until it is cached after commit. */
    private record Written(StoredCheckpoint checkpoint) implements Outcome {
    }

    private record Save(TenantId tenant, String subject, AgentId agentId, ThreadId threadId, long expectedVersion,
                        String stateJson, int stateBytes, Map<String, String> metadata, long fencingToken,
                        Optional<String> key, byte[] digest, Instant now, DataKey dataKey) {
    }
}
