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
import io.micrometer.core.instrument.Counter;
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
import java.util.HashMap;
import java.util.HashSet;
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
 *   <li>The saves are ordered by thread id; saves of one thread keep their arrival order.
 *       Any serial order is a valid one for concurrent calls, and each save sees what the
 *       saves before it wrote: the second save of a thread at the same expected version
 *       hears VERSION_CONFLICT with the first's version, a retry with the first's
 *       idempotency key hears the first's checkpoint as replayed.</li>
 *   <li>Before any save writes, one round trip reads what all of them need and locks
 *       every agent fenced (FOR SHARE) and every existing thread advanced (FOR UPDATE),
 *       each kind in id order. A save's first insert locks the tenant's storage count until
 *       commit, so without this a group holding that count could wait for a thread another
 *       replica's transaction holds while that transaction waits for the count: a deadlock.
 *       The one order (agents, threads, then the count) is the order a lone save takes
 *       too.</li>
 *   <li>When every save is on its happy path (agent found, fencing token current, thread
 *       new or at the expected version, idempotency key unused), which the group decides
 *       from what it read and what the saves before each one write, all are written in one
 *       more round trip, in a savepoint. Otherwise, or when a write finds otherwise (a new
 *       thread's id taken, a key claimed meanwhile, the storage quota exceeded), the
 *       savepoint is rolled back and the saves run one after another, each in its own
 *       savepoint ({@link TenantTransactions#eachInSavepoint}), as a lone save runs: so each
 *       hears what it would have heard alone. A lone save takes the same path: three round
 *       trips (read, write, commit) on its happy path.</li>
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

    /** The savepoint before a group's saves are all written at once ({@link #writeAll}). */
    private static final String WRITE_ALL = "write_all";

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
    private final Counter slowSaves;

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
        this.slowSaves = Counter.builder("aicunet.checkpoint.saves.one.by.one")
                .description("Checkpoint saves whose group was not all on its happy path, so each ran in its own"
                        + " savepoint")
                .register(meters);
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
     * then arrival); the answers in the members' order. Each answer is rendered before the
     * commit in its caller's context, as a lone save's is.
     *
     * <p>First one round trip reads, and locks in the one order, what every save needs
     * ({@link #read}). When every save is then found on its happy path ({@link #plan}), all of
     * them are written in one more round trip ({@link #writeAll}); otherwise, or when a write
     * says otherwise, they run one after another, each in its savepoint ({@link #saveOne}).
     */
    private Uni<Result<List<Result<Outcome>>>> saveGroup(TenantId tenant, List<GroupCommit.Member<Save>> members) {
        List<Integer> order = lockOrder(members);
        List<GroupCommit.Member<Save>> ordered = new ArrayList<>(members.size());
        order.forEach(index -> ordered.add(members.get(index)));
        List<Save> saves = ordered.stream().map(GroupCommit.Member::input).toList();
        return TenantTransactions.inTenantGroup(access.pool(), TenantScope.of(tenant), ordered,
                        connection -> read(connection, saves)
                                .chain(read -> plan(saves, read)
                                        .map(plan -> writeAll(connection, tenant, plan))
                                        .orElseGet(() -> {
                                            slowSaves.increment(saves.size());
                                            return Uni.createFrom().item(Optional.empty());
                                        }))
                                .chain(written -> written.isPresent()
                                        ? Uni.createFrom().item(Result.ok(written.get()))
                                        : TenantTransactions.eachInSavepoint(connection, ordered, this::saveOne)))
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
     * What the saves need, read in one round trip before any of them writes: the agents
     * fenced, share-locked (FOR SHARE), and the other agents; the existing threads advanced,
     * locked for update; the first use of each idempotency key; each state as jsonb renders
     * it. The locks are taken in the order a lone save takes them (agents, then threads, each
     * kind in id order; the tenant's storage count only at the first insert), so a group
     * never waits for a row while it holds the storage count, and two groups never wait for
     * each other in a cycle.
     */
    private Uni<Read> read(SqlConnection connection, List<Save> saves) {
        Set<AgentId> fenced = new LinkedHashSet<>();
        Set<AgentId> unfenced = new LinkedHashSet<>();
        Set<ThreadId> advanced = new LinkedHashSet<>();
        for (Save save : saves) {
            (save.fencingToken() == 0 ? unfenced : fenced).add(save.agentId());
            if (save.expectedVersion() > 0) {
                advanced.add(save.threadId());
            }
        }
        unfenced.removeAll(fenced);
        List<Uni<Optional<IdempotencyKeys.Used>>> keysUsed = saves.stream()
                .map(save -> save.key().isEmpty()
                        ? Uni.createFrom().item(Optional.<IdempotencyKeys.Used>empty())
                        : keys.find(connection, save.tenant(), save.subject(), save.key().get()))
                .toList();
        List<Uni<String>> states = saves.stream()
                .map(save -> checkpoints.normalise(connection, save.stateJson()))
                .toList();
        return Uni.combine().all()
                .unis(access.agents().findAll(connection, List.copyOf(fenced), LockMode.SHARE),
                        access.agents().findAll(connection, List.copyOf(unfenced), LockMode.NONE),
                        checkpoints.lockThreads(connection, List.copyOf(advanced)),
                        Uni.join().all(keysUsed).andFailFast(),
                        Uni.join().all(states).andFailFast())
                .with((fencedAgents, otherAgents, heads, used, normalised) -> {
                    Map<AgentId, Agent> agents = new HashMap<>(otherAgents);
                    agents.putAll(fencedAgents);
                    return new Read(agents, heads, used, normalised);
                });
    }

    /**
     * The writes of every save when each is on its happy path, in lock order: its agent
     * found and its fencing token current, its thread new or at the expected version and
     * of its agent (as the saves before it in the group leave it), its idempotency key unused
     * and not used twice in the group. Empty when any save is not: what it hears then
     * (a refusal, a conflict, a replay) is found the way a lone save finds it.
     */
    private Optional<List<Write>> plan(List<Save> saves, Read read) {
        Map<ThreadId, ThreadHead> heads = new HashMap<>(read.heads());
        Set<String> keysClaimed = new HashSet<>();
        List<Write> writes = new ArrayList<>(saves.size());
        for (int index = 0; index < saves.size(); index++) {
            Save save = saves.get(index);
            Agent agent = read.agents().get(save.agentId());
            if (agent == null || agent.checkFencingToken(save.fencingToken()).isPresent()
                    || read.keysUsed().get(index).isPresent()
                    || save.key().isPresent() && !keysClaimed.add(save.subject() + "\n" + save.key().get())) {
                return Optional.empty();
            }
            ThreadHead head = heads.get(save.threadId());
            boolean starts = save.expectedVersion() == 0;
            if (starts ? head != null : head == null || !head.agentId().equals(save.agentId())
                    || head.latestVersion() != save.expectedVersion()) {
                return Optional.empty();
            }
            CheckpointId id = CheckpointId.random();
            Optional<CheckpointId> parent = starts ? Optional.empty() : Optional.of(head.latestCheckpointId());
            heads.put(save.threadId(), save.newHead(id));
            writes.add(new Write(save, save.sealed(id, parent, read.states().get(index))));
        }
        return Optional.of(writes);
    }

    /**
     * Every planned save written in one round trip, in a savepoint: each thread started or
     * advanced, each idempotency key claimed, each checkpoint inserted and announced, then the
     * storage quota checked once for them all (use only grows in between, so the last check
     * is the strictest), while each new version is fenced in Redis. When a thread turns out
     * to be taken, a key to be claimed meanwhile, or the quota to be exceeded, everything is
     * rolled back to the savepoint and empty is answered: the saves then run one by one and
     * hear what they would have heard alone. A statement that fails fails the group.
     */
    private Uni<Optional<List<Result<Outcome>>>> writeAll(SqlConnection connection, TenantId tenant,
                                                         List<Write> writes) {
        List<Uni<Boolean>> done = new ArrayList<>();
        done.add(connection.query("SAVEPOINT " + WRITE_ALL).execute().replaceWith(true));
        for (Write write : writes) {
            Save save = write.save();
            CheckpointSummary summary = write.checkpoint().summary();
            done.add(save.expectedVersion() == 0
                    ? checkpoints.insertThread(connection, save.newHead(summary.id()), Optional.empty(), save.now())
                    : checkpoints.advanceThread(connection, save.threadId(), summary.version(), summary.id(),
                            save.now()).replaceWith(true));
            if (save.key().isPresent()) {
                done.add(keys.claim(connection, tenant, save.subject(), save.key().get(), save.digest(),
                        summary.id().value()));
            }
            done.addAll(recorded(connection, save, write.checkpoint()));
        }
        done.add(storage.checkWrite(connection, tenant).map(Result::isOk));
        return Uni.join().all(done).andFailFast().flatMap(oks -> {
            if (oks.stream().allMatch(Boolean::booleanValue)) {
                List<Result<Outcome>> results = new ArrayList<>(writes.size());
                writes.forEach(write -> results.add(Result.ok(new Written(write.checkpoint()))));
                return Uni.createFrom().item(Optional.of(results));
            }
            slowSaves.increment(writes.size());
            return connection.query("ROLLBACK TO SAVEPOINT " + WRITE_ALL).execute()
                    .replaceWith(Optional.<List<Result<Outcome>>>empty());
        });
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
                    StoredCheckpoint stored = save.sealed(id, advance.value().parent(), advancedAndState.getItem2());
                    return claimKey(connection, save, id).flatMap(claimed -> claimed.isOk()
                            ? written(connection, save, stored)
                            : Uni.createFrom().item(Result.<Outcome>failed(claimed.problem())));
                });
    }

    /**
     * Records the checkpoint ({@link #recorded}) and then checks the storage quota, the
     * statements in one round trip (PostgreSQL runs them in order, so the quota sees the
     * insert); all end before the commit. A save refused for its quota rolls back with its
     * announcement; a statement that fails leaves the transaction aborted, so the statements
     * after it fail too and nothing commits.
     */
    private Uni<Result<Outcome>> written(SqlConnection connection, Save save, StoredCheckpoint stored) {
        return Uni.combine().all()
                .unis(Uni.join().all(recorded(connection, save, stored)).andFailFast(),
                        storage.checkWrite(connection, save.tenant()))
                .with((recorded, use) -> {
                    if (recorded.contains(false)) {
                        throw new IllegalStateException("checkpoint " + stored.summary().id()
                                + " was not stored although its thread was just moved to it");
                    }
                    return use.isOk() ? Result.<Outcome>ok(new Written(stored)) : Result.<Outcome>failed(use.problem());
                });
    }

    /**
     * What records a checkpoint once its thread points at it, whether saves run one by one or
     * all at once: its new version fenced in Redis, the checkpoint inserted (false when its
     * thread does not point at it), its announcement in the outbox. True but for the insert.
     */
    private List<Uni<Boolean>> recorded(SqlConnection connection, Save save, StoredCheckpoint stored) {
        CheckpointSummary summary = stored.summary();
        return List.of(
                caching.fence(connection, save.tenant(), save.threadId(), summary.version()).replaceWith(true),
                checkpoints.insert(connection, stored, save.subject()),
                access.announce(connection, save.tenant(), save.agentId(), AgentStateEvents.checkpointSaved(summary))
                        .replaceWith(true));
    }

    /**
     * Starts the thread, or finds it exists (a version conflict); fails when the id
     * belongs to another agent or tenant.
     */
    private Uni<Result<Advance>> startThread(SqlConnection connection, Save save, CheckpointId id) {
        return checkpoints.insertThread(connection, save.newHead(id), Optional.empty(), save.now()).flatMap(inserted -> inserted
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

    /** What a group's saves found before writing, in lock order where a list. */
    private record Read(Map<AgentId, Agent> agents, Map<ThreadId, ThreadHead> heads,
                        List<Optional<IdempotencyKeys.Used>> keysUsed, List<String> states) {
    }

    /** A save on its happy path and the checkpoint it writes. */
    private record Write(Save save, StoredCheckpoint checkpoint) {
    }

    /** A checkpoint this call wrote, its state sealed, until it is cached after commit. */
    private record Written(StoredCheckpoint checkpoint) implements Outcome {
    }

    private record Save(TenantId tenant, String subject, AgentId agentId, ThreadId threadId, long expectedVersion,
                        String stateJson, int stateBytes, Map<String, String> metadata, long fencingToken,
                        Optional<String> key, byte[] digest, Instant now, DataKey dataKey) {

        /** The thread's head once this save is its latest checkpoint. */
        ThreadHead newHead(CheckpointId id) {
            return new ThreadHead(threadId, tenant, agentId, expectedVersion + 1, id);
        }

        /** This save's checkpoint, its state (as jsonb renders it) sealed with the tenant's data key. */
        StoredCheckpoint sealed(CheckpointId id, Optional<CheckpointId> parent, String normalisedState) {
            return TenantCipher.seal(dataKey, new Checkpoint(id, tenant, agentId, threadId, parent,
                    expectedVersion + 1, normalisedState, stateBytes, metadata, now));
        }
    }
}
