package io.aicunet.config.application.entries;

import com.fasterxml.jackson.databind.JsonNode;
import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigViews;
import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.namespaces.JsonSchemas;
import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.application.port.EffectiveCache;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.Namespaces;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.aicunet.config.domain.ChangeOperation;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.GroupCommit;
import io.aicunet.platform.tenancy.GroupCommitConfig;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The one way an entry changes, shared by put, delete and rollback.
 *
 * <p>Per call, before any transaction: ask the policy, and prepare what needs no lock
 * (a put's value as it will be stored: its canonical JSON, a secret sealed, for a tenant
 * scope with the tenant's data key).
 *
 * <p>Then the call joins a group ({@link GroupCommit}, group {@value #GROUP}): concurrent
 * writes at the same transaction scope (one tenant, or the platform) are written in one
 * transaction of that scope, each answered exactly as if it had run alone. A call on an
 * idle scope runs at once, alone; calls that arrive while a group of their scope runs
 * form the next one ({@code aicunet.group-commit.max-calls}, 1 turns grouping off). In
 * the group's transaction, in this order:
 * <ol>
 *   <li>the group's namespaces, locked shared in name order (no new schema version can
 *       commit under the writes);</li>
 *   <li>the revision counter, locked until commit; the group's revisions are numbered
 *       from the head it read, so they are consecutive, in member order;</li>
 *   <li>each member in turn, in arrival order, in its own savepoint
 *       ({@link TenantTransactions#eachInSavepoint}): lock the entry, check the expected
 *       revision, validate against the namespace's latest schema, take the next revision,
 *       write entry and revision, check the tenant's storage quota, append ConfigChanged
 *       to the outbox. A member refused on the way (revision mismatch, invalid value,
 *       storage quota, ...) is rolled back to its savepoint: it wrote nothing and took no
 *       revision, so the next member takes the number it would have had. A member sees
 *       what the members before it wrote: two writes of one entry in one group behave
 *       exactly as the same two writes one after the other;</li>
 *   <li>the counter moved to the group's last revision; commit.</li>
 * </ol>
 * Every entry write takes the counter before it locks any entry (and waits for a
 * namespace only before it holds the counter), and so does a tenant's erasure: whoever
 * holds the counter waits for no other writer, so two groups, of one scope on two
 * replicas or of two scopes, never deadlock, whatever their members' order.
 *
 * <p>After the commit, once per group and never failing the writes that committed: drop
 * the cached configurations of each scope written, tell this replica's feed the newest
 * revision of each, and announce the group's newest revision to the other replicas (a
 * feed reads every revision after the last one it read, so announcing the newest one
 * delivers them all). The callers are answered after that, as a single write was.
 *
 * <p>Writing the value an entry already holds changes nothing and makes no revision, so a
 * retried write is harmless. A tenant scope's entry values count against the tenant's
 * storage quota ({@link StorageQuota}): a write past it is RESOURCE_EXHAUSTED with the
 * use before it, and nothing of that write changes. A group that cannot commit as a whole
 * (a statement fails, the tenant service cannot open a secret) writes each call alone.
 */
@ApplicationScoped
public class EntryWrites {

    public static final String ACTION = "config.entries.write";
    /** The group commit's name in the metrics {@code aicunet.group.commit.calls} and {@code .splits}. */
    public static final String GROUP = "config.entries";
    public static final String REVISION_MISMATCH = "REVISION_MISMATCH";
    /** A secret of a tenant scope cannot be sealed: the tenant has no data key (unknown or erased). */
    public static final String TENANT_KEY_UNAVAILABLE = "TENANT_KEY_UNAVAILABLE";

    private static final Logger LOG = Logger.getLogger(EntryWrites.class);

    /** What a write does to its entry. */
    sealed interface Change permits Put, Delete, Restore, PreparedPut {
    }

    /** Writes a parsed value; violations are reported under {@code valueField}. */
    record Put(JsonNode value, boolean secret, String valueField) implements Change {
    }

    record Delete() implements Change {
    }

    /** Restores what revision {@code revision} of the same entry wrote (or deleted). */
    record Restore(long revision) implements Change {
    }

    /** The outcome: the entry after the write (empty when deleted) and the revision (the current one when unchanged). */
    public record Written(EntryKey key, Optional<Entry> entry, long revision, boolean changed) {

        /** The entry as a write response shows it: a secret is never echoed, whoever wrote it. */
        public Optional<ConfigViews.EntryView> maskedEntry() {
            return entry.map(e -> ConfigViews.EntryView.of(e, e.value() instanceof StoredValue.Plain plain
                    ? ConfigViews.ValueView.plain(plain.json())
                    : ConfigViews.ValueView.maskedSecret()));
        }
    }

    /** The new state a write decided on: empty value for a delete; {@code unchanged} when it already holds. */
    private record Plan(Optional<StoredValue> value, int schemaVersion, long rolledBackTo, boolean unchanged) {
    }

    /**
     * A put as it reaches the transaction: its value's canonical JSON and the value as it
     * will be stored (sealed when secret), or empty when the entry's tenant has no data key
     * to seal it with (refused only if the write would change the entry, as before).
     */
    private record PreparedPut(JsonNode value, String json, boolean secret, String valueField,
                               Optional<StoredValue> stored) implements Change {
    }

    /** One write waiting for its group: the prepared change, by whom and why. */
    private record Call(EntryKey key, OptionalLong expectedRevision, String reason, String author, Change change) {
    }

    /**
     * The revisions a group takes, numbered from the head it locked: a member that wrote
     * took the next one; a member that did not (refused, rolled back to its savepoint, or
     * unchanged) took none, so the numbers stay consecutive.
     */
    private static final class Revisions {

        private final long head;
        private long last;

        Revisions(long head) {
            this.head = head;
            this.last = head;
        }

        long next() {
            return last + 1;
        }

        void took(long revision) {
            if (revision != last + 1) {
                throw new IllegalStateException("a group at revision " + last + " wrote revision " + revision);
            }
            last = revision;
        }

        boolean anyTaken() {
            return last > head;
        }

        long last() {
            return last;
        }
    }

    private final ConfigAccess access;
    private final Namespaces namespaces;
    private final Entries entries;
    private final Outbox outbox;
    private final JsonSchemas schemas;
    private final SecretCipher cipher;
    private final EffectiveCache cache;
    private final ChangeNotifications notifications;
    private final ChangeFeeds feeds;
    private final StorageQuota storage;
    private final GroupCommit<TenantScope, Call, Written> groups;

    public EntryWrites(ConfigAccess access, Namespaces namespaces, Entries entries, Outbox outbox, JsonSchemas schemas,
                       SecretCipher cipher, EffectiveCache cache, ChangeNotifications notifications,
                       ChangeFeeds feeds, StorageQuota storage, GroupCommitConfig groupCommit, MeterRegistry meters) {
        this.access = access;
        this.namespaces = namespaces;
        this.entries = entries;
        this.outbox = outbox;
        this.schemas = schemas;
        this.cipher = cipher;
        this.cache = cache;
        this.notifications = notifications;
        this.feeds = feeds;
        this.storage = storage;
        this.groups = new GroupCommit<>(GROUP, groupCommit.settings(), meters, this::writeGroup);
    }

    Uni<Result<Written>> write(Caller caller, EntryKey key, OptionalLong expectedRevision, String reason,
                               Change change) {
        return access.authorized(caller, ACTION,
                        ConfigAccess.resourceOf(ConfigAccess.ENTRY, key.namespace(), key.scope()),
                        () -> prepare(key, change).flatMap(prepared -> groups.submit(caller.scope(),
                                new Call(key, expectedRevision, reason.trim(), caller.subject(), prepared))))
                .onFailure(SecretAccess.RevealUnavailable.class).recoverWithItem(SecretAccess.RevealUnavailable::asResult);
    }

    /**
     * What a call prepares before its transaction: a put's canonical JSON, and the value as
     * stored (a secret sealed now, with the tenant's data key for a tenant scope, so that
     * the group's transaction waits for no key). Fails (RevealUnavailable) only when the
     * tenant service cannot be reached.
     */
    private Uni<Change> prepare(EntryKey key, Change change) {
        if (!(change instanceof Put put)) {
            return Uni.createFrom().item(change);
        }
        String json = schemas.write(put.value());
        if (!put.secret()) {
            return Uni.createFrom().item(new PreparedPut(put.value(), json, false, put.valueField(),
                    Optional.of(new StoredValue.Plain(json))));
        }
        return cipher.seal(key, json).onFailure().transform(SecretAccess.RevealUnavailable::new)
                .map(sealed -> new PreparedPut(put.value(), json, true, put.valueField(),
                        sealed.map(StoredValue.class::cast)));
    }

    /**
     * The work of one group, all of whose calls share the transaction scope: one
     * transaction of that scope ({@link TenantTransactions#inTenantGroup}), each call in its
     * own savepoint; then, once the group committed, its announcement.
     */
    private Uni<Result<List<Result<Written>>>> writeGroup(TenantScope scope, List<GroupCommit.Member<Call>> members) {
        return TenantTransactions.inTenantGroup(access.pool(), scope, members, connection ->
                        lockNamespaces(connection, members).flatMap(found -> entries.lockRevisions(connection)
                                .flatMap(head -> {
                                    Revisions revisions = new Revisions(head);
                                    return TenantTransactions.eachInSavepoint(connection, members,
                                                    (same, call) -> writeMember(same, call, found, revisions))
                                            .call(results -> results.isOk() && revisions.anyTaken()
                                                    ? entries.advanceRevisions(connection, head, revisions.last())
                                                    : Uni.createFrom().voidItem());
                                })))
                .call(results -> results.isOk() ? announce(results.value()) : Uni.createFrom().voidItem());
    }

    /**
     * The group's namespaces with their latest schemas, each locked shared (no schema
     * version commits under the writes) for the whole transaction, outside any member's
     * savepoint, in name order (two groups of one namespace set wait for a schema
     * registration alike), and before the counter: a group holding the counter never waits
     * for a schema registration.
     */
    private Uni<Map<String, Optional<NamespaceRecord>>> lockNamespaces(SqlConnection connection,
                                                                      List<GroupCommit.Member<Call>> members) {
        SortedSet<String> names = new TreeSet<>();
        members.forEach(member -> names.add(member.input().key().namespace()));
        Map<String, Optional<NamespaceRecord>> found = new HashMap<>();
        Uni<Void> locked = Uni.createFrom().voidItem();
        for (String name : names) {
            locked = locked.chain(() -> namespaces.find(connection, name, Namespaces.LockMode.SHARE)
                    .invoke(namespace -> found.put(name, namespace)).replaceWithVoid());
        }
        return locked.map(ignored -> found);
    }

    /** One call of a group, in its savepoint; a write that changed the entry took the group's next revision. */
    private Uni<Result<Written>> writeMember(SqlConnection connection, Call call,
                                             Map<String, Optional<NamespaceRecord>> found, Revisions revisions) {
        Optional<NamespaceRecord> namespace = found.get(call.key().namespace());
        if (namespace.isEmpty()) {
            return failed(new Problem.NotFound("namespace", call.key().namespace()));
        }
        return entries.find(connection, call.key(), true)
                .flatMap(current -> writeLocked(connection, call, namespace.get(), current, revisions.next()))
                .invoke(result -> {
                    if (result.isOk() && result.value().changed()) {
                        revisions.took(result.value().revision());
                    }
                });
    }

    private Uni<Result<Written>> writeLocked(SqlConnection connection, Call call, NamespaceRecord namespace,
                                             Optional<Entry> current, long revision) {
        EntryKey key = call.key();
        OptionalLong expectedRevision = call.expectedRevision();
        long currentRevision = current.map(Entry::revision).orElse(0L);
        if (expectedRevision.isPresent() && expectedRevision.getAsLong() != currentRevision) {
            return failed(new Problem.Conflict(REVISION_MISMATCH, "entry " + key + " is at revision "
                    + currentRevision + (currentRevision == 0 ? " (absent)" : "") + ", not "
                    + expectedRevision.getAsLong()));
        }
        return plan(connection, key, namespace, current, call.change()).flatMap(planned -> {
            if (!planned.isOk()) {
                return Uni.createFrom().item(Result.<Written>failed(planned.problem()));
            }
            Plan plan = planned.value();
            if (plan.unchanged()) {
                return Uni.createFrom().item(Result.ok(new Written(key, current, currentRevision, false)));
            }
            ConfigRevision made = new ConfigRevision(revision, key,
                    plan.value().isPresent() ? ChangeOperation.PUT : ChangeOperation.DELETE, plan.value(),
                    plan.schemaVersion(), call.author(), call.reason(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS), plan.rolledBackTo());
            Uni<Void> stored = plan.value().isPresent()
                    ? entries.put(connection, made)
                    : entries.delete(connection, made);
            return stored
                    .flatMap(ignored -> withinQuota(connection, key))
                    .flatMap(within -> !within.isOk()
                            ? failed(within.problem())
                            : outbox.append(connection, outbox.event(ConfigEvents.TOPIC,
                                            ConfigEvents.keyOf(key.scope()), key.toString(),
                                            ConfigEvents.changed(made)))
                                    .map(ignored -> Result.ok(new Written(key, made.entryAfter(), revision, true))));
        });
    }

    /**
     * A tenant scope's entries count against the tenant's storage quota: a write that
     * makes the tenant store more than its storage_bytes here is refused (the write rolls
     * back to its savepoint, or with its transaction when alone). Global and service
     * entries belong to no tenant.
     */
    private Uni<Result<Boolean>> withinQuota(SqlConnection connection, EntryKey key) {
        if (key.scope().tenant().isEmpty()) {
            return Uni.createFrom().item(Result.ok(true));
        }
        return storage.checkWrite(connection, key.scope().tenant().get()).map(use -> use.isOk()
                ? Result.ok(true)
                : Result.<Boolean>failed(use.problem()));
    }

    private Uni<Result<Plan>> plan(SqlConnection connection, EntryKey key, NamespaceRecord namespace,
                                   Optional<Entry> current, Change change) {
        if (change instanceof PreparedPut put) {
            return planValue(key, namespace, current, put.value(), put.json(), put.secret(), put.valueField(),
                    put.stored(), 0);
        }
        if (change instanceof Delete) {
            return Uni.createFrom().item(current.isEmpty()
                    ? Result.failed(new Problem.NotFound("entry", key.toString()))
                    : Result.ok(new Plan(Optional.empty(), 0, 0, false)));
        }
        if (!(change instanceof Restore restore)) {
            throw new IllegalStateException("a put reaches the transaction prepared, not as " + change);
        }
        long target = restore.revision();
        return entries.findRevision(connection, key, target).flatMap(found -> {
            if (found.isEmpty()) {
                return failed(new Problem.NotFound("revision", target + " of entry " + key));
            }
            ConfigRevision revision = found.get();
            if (revision.value().isEmpty()) {
                return Uni.createFrom().item(Result.ok(new Plan(Optional.empty(), 0, target, current.isEmpty())));
            }
            StoredValue stored = revision.value().get();
            return jsonOf(key, stored).flatMap(json -> {
                if (json.isEmpty()) {
                    return failed(tenantKeyMissing(key, "revision " + target + " cannot be restored: its secret"
                            + " was sealed with a data key the tenant no longer has"));
                }
                List<FieldViolation> violations = new ArrayList<>();
                JsonNode value = schemas.parse("to_revision", json.get(), violations).orElseThrow(
                        () -> new IllegalStateException("revision " + target + " of " + key + " holds no JSON"));
                return planValue(key, namespace, current, value, schemas.write(value), stored.secret(),
                        "to_revision.value", Optional.of(stored), target);
            });
        });
    }

    /**
     * Validates a value against the namespace's latest schema and decides whether it
     * changes the entry; {@code toStore} is the value as stored, prepared beforehand (empty:
     * a secret of a tenant that has no data key, refused when it would change the entry).
     */
    private Uni<Result<Plan>> planValue(EntryKey key, NamespaceRecord namespace, Optional<Entry> current,
                                        JsonNode value, String json, boolean secret, String valueField,
                                        Optional<StoredValue> toStore, long rolledBackTo) {
        if (namespace.schemaVersion() > 0) {
            List<FieldViolation> violations = schemas.validate(namespace.name(), namespace.schemaVersion(),
                    namespace.schemaJson().orElseThrow(), valueField, value);
            if (!violations.isEmpty()) {
                return failed(new Problem.InvalidArgument(violations));
            }
        }
        Uni<Boolean> unchanged = current.isPresent() && current.get().value().secret() == secret
                ? jsonOf(key, current.get().value()).map(held -> held.isPresent() && schemas.sameValue(held.get(), json))
                : Uni.createFrom().item(false);
        return unchanged.map(same -> {
            if (same) {
                return Result.ok(new Plan(current.map(Entry::value), namespace.schemaVersion(), rolledBackTo, true));
            }
            return toStore.isEmpty()
                    ? Result.<Plan>failed(tenantKeyMissing(key, "the tenant has no data key (the tenant service"
                            + " does not know it, or it was erased), so its secrets cannot be stored"))
                    : Result.ok(new Plan(toStore, namespace.schemaVersion(), rolledBackTo, false));
        });
    }

    /** The value's JSON; empty for a secret whose tenant key is gone. */
    private Uni<Optional<String>> jsonOf(EntryKey key, StoredValue value) {
        if (value instanceof StoredValue.Plain plain) {
            return Uni.createFrom().item(Optional.of(plain.json()));
        }
        StoredValue.Sealed sealed = (StoredValue.Sealed) value;
        return cipher.keysFor(List.of(new SecretCipher.SealedSecret(key, sealed)))
                .onFailure().transform(SecretAccess.RevealUnavailable::new).map(keys -> {
            SecretCipher.Opened opened = keys.open(key, sealed);
            return opened instanceof SecretCipher.Opened.Clear clear
                    ? Optional.of(clear.json())
                    : Optional.<String>empty();
        });
    }

    private static Problem tenantKeyMissing(EntryKey key, String detail) {
        return new Problem.FailedPrecondition(TENANT_KEY_UNAVAILABLE,
                "tenant " + key.scope().tenant().map(Object::toString).orElse("?"), detail);
    }

    /**
     * After the group's commit, once for the group, never failing (the writes committed; a
     * failure here would make the group run its calls again): for each scope written, the
     * cache is dropped first, so a watcher that reacts to the change and reads again sees
     * it; then this replica's feed learns each scope's newest revision, and the other
     * replicas the group's newest (each feed reads everything after what it last read, so
     * that one announcement brings every revision of the group).
     */
    private Uni<Void> announce(List<Result<Written>> results) {
        Map<ConfigScope, Long> newestByScope = new LinkedHashMap<>();
        long newest = 0;
        for (Result<Written> result : results) {
            if (result.isOk() && result.value().changed()) {
                newestByScope.merge(result.value().key().scope(), result.value().revision(), Math::max);
                newest = Math.max(newest, result.value().revision());
            }
        }
        if (newestByScope.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long announced = newest;
        return Uni.createFrom().deferred(() -> {
                    Uni<Void> dropped = Uni.createFrom().voidItem();
                    for (ConfigScope scope : newestByScope.keySet()) {
                        dropped = dropped.chain(() -> cache.invalidate(scope));
                    }
                    return dropped
                            .invoke(() -> newestByScope.forEach((scope, revision) ->
                                    feeds.primary().committed(revision, scope)))
                            .chain(() -> notifications.publish(announced));
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("announcing revisions up to %d failed (the feeds' polling finds them): %s", announced,
                            failure.toString());
                    return null;
                });
    }

    private static <T> Uni<Result<T>> failed(Problem problem) {
        return Uni.createFrom().item(Result.failed(problem));
    }
}
