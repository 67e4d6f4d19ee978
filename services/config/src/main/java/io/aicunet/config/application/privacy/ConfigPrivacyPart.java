package io.aicunet.config.application.privacy;

import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.port.ChangeNotifications;
import io.aicunet.config.application.port.EffectiveCache;
import io.aicunet.config.application.port.TenantConfigurations;
import io.aicunet.config.application.retention.CompactRevisions;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.privacy.ExportPage;
import io.aicunet.platform.privacy.PrivacyPart;
import io.aicunet.platform.privacy.PrivacyScope;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The config service's part of privacy requests (docs/config.md, Privacy).
 *
 * <p>Export: the tenant's current entries and its revisions (tenant and tenant_service
 * scopes), plain values as they are, secrets masked: they are credentials, not data
 * about a person, and a bundle that leaves the platform must not carry working ones.
 * For a subject, the entries last written and the revisions written by that subject
 * (the verified subject of the writes).
 *
 * <p>Erasure of a whole tenant: its revisions go first (the compaction mark moves past
 * the newest of them, so a watcher resuming from before reloads, exactly as after
 * compaction), then every current entry is deleted with a delete revision and a
 * ConfigChanged event each, so live watchers and event consumers drop the values (no
 * value is ever in an event). Those delete revisions carry only names, and are left to
 * compaction; a repeated erasure finds nothing. The tenant's Redis cache goes before and
 * after the transaction. A subject erasure removes nothing: config has no scope below a
 * tenant, and the authorship of a tenant's configuration changes stays with it.
 */
@ApplicationScoped
public class ConfigPrivacyPart implements PrivacyPart {

    /** Author of the delete revisions an erasure writes. */
    public static final String ERASURE_AUTHOR = "config:privacy-erasure";
    public static final String ENTRIES = "entries";
    public static final String REVISIONS = "revisions";
    public static final String REDIS_KEYS = "redis_keys";

    private static final Logger LOG = Logger.getLogger(ConfigPrivacyPart.class);
    private static final int ANNOUNCEMENTS_PENDING_MAX = 1_000;

    private final TenantConfigurations tenants;
    private final CompactRevisions compaction;
    private final Outbox outbox;
    private final EffectiveCache cache;
    private final ChangeFeeds feeds;
    private final ChangeNotifications notifications;
    private final ConfigServiceConfig.Privacy settings;
    /** Per erasure request, the newest revision its transaction wrote, announced once it committed. */
    private final Map<UUID, Long> toAnnounce = new ConcurrentHashMap<>();

    public ConfigPrivacyPart(TenantConfigurations tenants, CompactRevisions compaction, Outbox outbox,
                             EffectiveCache cache, ChangeFeeds feeds, ChangeNotifications notifications,
                             ConfigServiceConfig settings) {
        this.tenants = tenants;
        this.compaction = compaction;
        this.outbox = outbox;
        this.cache = cache;
        this.feeds = feeds;
        this.notifications = notifications;
        this.settings = settings.privacy();
    }

    @Override
    public Multi<ExportPage> export(SqlConnection transaction, PrivacyScope scope) {
        int page = settings.exportPageRecords();
        Multi<ExportPage> entries = ExportPage.<TenantConfigurations.EntryCursor>paged(ENTRIES,
                after -> tenants.entries(transaction, scope.tenant(), scope.subject(), after, page)
                        .map(found -> new ExportPage.Fetched<>(found.stream().map(ConfigPrivacyPart::entryJson).toList(),
                                found.size() < page ? Optional.empty() : Optional.of(cursorAfter(found)))));
        Multi<ExportPage> revisions = ExportPage.<Long>paged(REVISIONS,
                after -> tenants.revisions(transaction, scope.tenant(), scope.subject(), after.orElse(0L), page)
                        .map(found -> new ExportPage.Fetched<>(
                                found.stream().map(ConfigPrivacyPart::revisionJson).toList(),
                                found.size() < page ? Optional.empty()
                                        : Optional.of(found.get(found.size() - 1).revision()))));
        return Multi.createBy().concatenating().streams(entries, revisions);
    }

    private static TenantConfigurations.EntryCursor cursorAfter(List<Entry> page) {
        EntryKey last = page.get(page.size() - 1).key();
        return new TenantConfigurations.EntryCursor(last.namespace(), last.key(), last.scope().id());
    }

    @Override
    public Uni<Map<String, Long>> erase(SqlConnection transaction, PrivacyScope scope) {
        if (!scope.wholeTenant()) {
            return Uni.createFrom().item(Map.of(ENTRIES, 0L, REVISIONS, 0L));
        }
        TenantId tenant = scope.tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String reason = "tenant erased by privacy request " + scope.requestId();
        return deleteHistory(transaction, tenant, new TenantConfigurations.Deleted(0, 0))
                .flatMap(history -> compaction.markAtLeast(transaction, history.newestRevision(), ERASURE_AUTHOR)
                        .flatMap(ignored -> deleteEntries(transaction, tenant, reason, now, 0, 0))
                        .map(deleted -> {
                            if (deleted[1] > 0) {
                                if (toAnnounce.size() >= ANNOUNCEMENTS_PENDING_MAX) {
                                    toAnnounce.clear();
                                }
                                toAnnounce.put(scope.requestId(), deleted[1]);
                            }
                            return Map.of(ENTRIES, deleted[0], REVISIONS, history.count());
                        }));
    }

    /** Deletes the tenant's revisions batch by batch; returns how many and the newest. */
    private Uni<TenantConfigurations.Deleted> deleteHistory(SqlConnection transaction, TenantId tenant,
                                                           TenantConfigurations.Deleted soFar) {
        return tenants.deleteHistory(transaction, tenant, ERASURE_AUTHOR, settings.batchMax()).flatMap(batch -> {
            TenantConfigurations.Deleted total = new TenantConfigurations.Deleted(soFar.count() + batch.count(),
                    Math.max(soFar.newestRevision(), batch.newestRevision()));
            return batch.count() < settings.batchMax()
                    ? Uni.createFrom().item(total)
                    : deleteHistory(transaction, tenant, total);
        });
    }

    /** Deletes the entries batch by batch, each with its delete revision and event; returns {count, newest revision}. */
    private Uni<long[]> deleteEntries(SqlConnection transaction, TenantId tenant, String reason, Instant at,
                                      long soFar, long newest) {
        return tenants.deleteEntries(transaction, tenant, ERASURE_AUTHOR, reason, at, settings.batchMax())
                .flatMap(revisions -> appendEvents(transaction, revisions, 0).flatMap(ignored -> {
                    long count = soFar + revisions.size();
                    long last = revisions.isEmpty() ? newest : revisions.get(revisions.size() - 1).revision();
                    return revisions.size() < settings.batchMax()
                            ? Uni.createFrom().item(new long[] {count, last})
                            : deleteEntries(transaction, tenant, reason, at, count, last);
                }));
    }

    /** One ConfigChanged per delete revision, in one statement per {@link Outbox#BATCH_EVENTS_MAX} events. */
    private Uni<Void> appendEvents(SqlConnection transaction, List<ConfigRevision> revisions, int from) {
        if (from >= revisions.size()) {
            return Uni.createFrom().voidItem();
        }
        List<OutboxEvent> events = revisions.subList(from, Math.min(revisions.size(), from + Outbox.BATCH_EVENTS_MAX))
                .stream()
                .map(revision -> outbox.event(ConfigEvents.TOPIC, ConfigEvents.keyOf(revision.key().scope()),
                        revision.key().toString(), ConfigEvents.changed(revision)))
                .toList();
        return outbox.appendAll(transaction, events)
                .flatMap(ignored -> appendEvents(transaction, revisions, from + events.size()));
    }

    @Override
    public Uni<Map<String, Long>> eraseOutsideDatabase(PrivacyScope scope) {
        if (!scope.wholeTenant()) {
            return Uni.createFrom().item(Map.of(REDIS_KEYS, 0L));
        }
        TenantId tenant = scope.tenant();
        return cache.forget(tenant).call(() -> announce(scope)).map(deleted -> Map.of(REDIS_KEYS, deleted));
    }

    /**
     * After the erasure committed: this replica's feed hands the delete revisions to its
     * watchers and stops trusting older cached layers of the tenant; the other replicas
     * hear of them through Redis (or their poll).
     */
    private Uni<Void> announce(PrivacyScope scope) {
        Long newest = toAnnounce.remove(scope.requestId());
        if (newest == null) {
            return Uni.createFrom().voidItem();
        }
        feeds.primary().committed(newest, ConfigScope.tenant(scope.tenant()));
        return notifications.publish(newest).onFailure().recoverWithItem(failure -> {
            LOG.warnf("announcing erasure revision %d failed (the feeds' polling finds it): %s", newest,
                    failure.toString());
            return null;
        });
    }

    private static JsonObject entryJson(Entry entry) {
        JsonObject json = keyJson(entry.key());
        putValue(json, Optional.of(entry.value()));
        return json.put("revision", entry.revision())
                .put("schema_version", entry.schemaVersion())
                .put("updated_by", entry.updatedBy())
                .put("updated_at", entry.updatedAt().toString());
    }

    private static JsonObject revisionJson(ConfigRevision revision) {
        JsonObject json = new JsonObject().put("revision", revision.revision());
        json.mergeIn(keyJson(revision.key()));
        json.put("operation", revision.operation().wireName());
        putValue(json, revision.value());
        json.put("schema_version", revision.schemaVersion());
        if (revision.rolledBackTo() != 0) {
            json.put("rolled_back_to", revision.rolledBackTo());
        }
        return json.put("author", revision.author())
                .put("reason", revision.reason())
                .put("created_at", revision.createdAt().toString());
    }

    private static JsonObject keyJson(EntryKey key) {
        JsonObject scope = new JsonObject().put("kind", key.scope().kind().wireName());
        key.scope().tenant().ifPresent(tenant -> scope.put("tenant_id", tenant.toString()));
        key.scope().service().ifPresent(service -> scope.put("service", service));
        return new JsonObject().put("namespace", key.namespace()).put("key", key.key()).put("scope", scope);
    }

    /** A plain value as JSON; a secret masked (never exported); nothing for a delete. */
    private static void putValue(JsonObject json, Optional<StoredValue> value) {
        if (value.isEmpty()) {
            return;
        }
        if (value.get() instanceof StoredValue.Plain plain) {
            json.put("value", Json.decodeValue(plain.json())).put("secret", false);
        } else {
            json.putNull("value").put("secret", true).put("masked", true);
        }
    }
}
