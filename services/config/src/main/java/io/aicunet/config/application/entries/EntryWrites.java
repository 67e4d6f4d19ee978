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
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The one way an entry changes, shared by put, delete and rollback, in a fixed order:
 * ask the policy; in one transaction of the caller's tenant scope lock the namespace
 * (shared: no new schema version can commit under the write) and the entry, check the
 * expected revision, validate, take the next revision (the counter row stays locked
 * until commit), write entry and revision, append ConfigChanged to the outbox. After
 * the commit: drop the tenant's cached configurations, tell this replica's feed and
 * announce the revision to the others. Writing the value an entry already holds
 * changes nothing and makes no revision, so a retried write is harmless. A tenant scope's
 * entry values count against the tenant's storage quota ({@link StorageQuota}): a write
 * past it is RESOURCE_EXHAUSTED with the use before it, and nothing changes.
 */
@ApplicationScoped
public class EntryWrites {

    public static final String ACTION = "config.entries.write";
    public static final String REVISION_MISMATCH = "REVISION_MISMATCH";
    /** A secret of a tenant scope cannot be sealed: the tenant has no data key (unknown or erased). */
    public static final String TENANT_KEY_UNAVAILABLE = "TENANT_KEY_UNAVAILABLE";

    private static final Logger LOG = Logger.getLogger(EntryWrites.class);

    /** What a write does to its entry. */
    sealed interface Change permits Put, Delete, Restore {
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

    public EntryWrites(ConfigAccess access, Namespaces namespaces, Entries entries, Outbox outbox, JsonSchemas schemas,
                       SecretCipher cipher, EffectiveCache cache, ChangeNotifications notifications,
                       ChangeFeeds feeds, StorageQuota storage) {
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
    }

    Uni<Result<Written>> write(Caller caller, EntryKey key, OptionalLong expectedRevision, String reason,
                               Change change) {
        return access.authorizedInScope(caller, ACTION,
                        ConfigAccess.resourceOf(ConfigAccess.ENTRY, key.namespace(), key.scope()),
                        connection -> namespaces.find(connection, key.namespace(), Namespaces.LockMode.SHARE)
                                .flatMap(namespace -> namespace.isEmpty()
                                        ? failed(new Problem.NotFound("namespace", key.namespace()))
                                        : entries.find(connection, key, true).flatMap(current ->
                                                writeLocked(connection, caller, key, namespace.get(), current,
                                                        expectedRevision, reason, change))))
                .onFailure(SecretAccess.RevealUnavailable.class).recoverWithItem(SecretAccess.RevealUnavailable::asResult)
                .call(result -> result.isOk() && result.value().changed()
                        ? announce(result.value())
                        : Uni.createFrom().voidItem());
    }

    private Uni<Result<Written>> writeLocked(SqlConnection connection, Caller caller, EntryKey key,
                                             NamespaceRecord namespace, Optional<Entry> current,
                                             OptionalLong expectedRevision, String reason, Change change) {
        long currentRevision = current.map(Entry::revision).orElse(0L);
        if (expectedRevision.isPresent() && expectedRevision.getAsLong() != currentRevision) {
            return failed(new Problem.Conflict(REVISION_MISMATCH, "entry " + key + " is at revision "
                    + currentRevision + (currentRevision == 0 ? " (absent)" : "") + ", not "
                    + expectedRevision.getAsLong()));
        }
        return plan(connection, key, namespace, current, change).flatMap(planned -> {
            if (!planned.isOk()) {
                return Uni.createFrom().item(Result.<Written>failed(planned.problem()));
            }
            Plan plan = planned.value();
            if (plan.unchanged()) {
                return Uni.createFrom().item(Result.ok(new Written(key, current, currentRevision, false)));
            }
            return entries.nextRevision(connection).flatMap(revision -> {
                ConfigRevision made = new ConfigRevision(revision, key,
                        plan.value().isPresent() ? ChangeOperation.PUT : ChangeOperation.DELETE, plan.value(),
                        plan.schemaVersion(), caller.subject(), reason.trim(),
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
                                        .map(ignored -> Result.ok(new Written(key, made.entryAfter(), revision,
                                                true))));
            });
        });
    }

    /**
     * A tenant scope's entries count against the tenant's storage quota: a write that
     * makes the tenant store more than its storage_bytes here is refused (the transaction
     * rolls back). Global and service entries belong to no tenant.
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
        if (change instanceof Put put) {
            return planValue(key, namespace, current, put.value(), put.secret(), put.valueField(), Optional.empty(), 0);
        }
        if (change instanceof Delete) {
            return Uni.createFrom().item(current.isEmpty()
                    ? Result.failed(new Problem.NotFound("entry", key.toString()))
                    : Result.ok(new Plan(Optional.empty(), 0, 0, false)));
        }
        long target = ((Restore) change).revision();
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
                return planValue(key, namespace, current, value, stored.secret(), "to_revision.value",
                        Optional.of(stored), target);
            });
        });
    }

    /**
     * Validates a value against the namespace's latest schema and decides how to store
     * it: a secret is sealed (for a tenant scope with the tenant's data key, refused when
     * the tenant has none).
     */
    private Uni<Result<Plan>> planValue(EntryKey key, NamespaceRecord namespace, Optional<Entry> current,
                                        JsonNode value, boolean secret, String valueField,
                                        Optional<StoredValue> restored, long rolledBackTo) {
        if (namespace.schemaVersion() > 0) {
            List<FieldViolation> violations = schemas.validate(namespace.name(), namespace.schemaVersion(),
                    namespace.schemaJson().orElseThrow(), valueField, value);
            if (!violations.isEmpty()) {
                return failed(new Problem.InvalidArgument(violations));
            }
        }
        String json = schemas.write(value);
        Uni<Boolean> unchanged = current.isPresent() && current.get().value().secret() == secret
                ? jsonOf(key, current.get().value()).map(held -> held.isPresent() && schemas.sameValue(held.get(), json))
                : Uni.createFrom().item(false);
        return unchanged.flatMap(same -> {
            if (same) {
                return Uni.createFrom().item(Result.ok(new Plan(current.map(Entry::value), namespace.schemaVersion(),
                        rolledBackTo, true)));
            }
            Uni<Optional<StoredValue>> stored = restored.isPresent() || !secret
                    ? Uni.createFrom().item(Optional.of(restored.orElseGet(() -> new StoredValue.Plain(json))))
                    : cipher.seal(key, json).onFailure().transform(SecretAccess.RevealUnavailable::new)
                            .map(sealed -> sealed.map(StoredValue.class::cast));
            return stored.map(toStore -> toStore.isEmpty()
                    ? Result.<Plan>failed(tenantKeyMissing(key, "the tenant has no data key (the tenant service"
                            + " does not know it, or it was erased), so its secrets cannot be stored"))
                    : Result.ok(new Plan(toStore, namespace.schemaVersion(), rolledBackTo, false)));
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
     * After the commit, never failing the write that already committed: the cache is
     * dropped first, so a watcher that reacts to the change and reads again sees it.
     */
    private Uni<Void> announce(Written written) {
        return cache.invalidate(written.key().scope())
                .invoke(() -> feeds.primary().committed(written.revision(), written.key().scope()))
                .chain(() -> notifications.publish(written.revision()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("announcing revision %d failed (the feeds' polling finds it): %s", written.revision(),
                            failure.toString());
                    return null;
                });
    }

    private static <T> Uni<Result<T>> failed(Problem problem) {
        return Uni.createFrom().item(Result.failed(problem));
    }
}
