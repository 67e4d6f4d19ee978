package io.aicunet.audit.application.ingest;

import io.aicunet.audit.application.access.AuditAccess;
import io.aicunet.audit.application.contract.TenantEvents;
import io.aicunet.audit.application.records.DetailsSealing;
import io.aicunet.audit.application.records.LogAppender;
import io.aicunet.audit.config.AuditServiceConfig;
import io.aicunet.audit.domain.RecordDraft;
import io.aicunet.platform.auditlog.Sha256;
import io.aicunet.platform.limits.StorageQuota;
import io.aicunet.platform.outbox.Inbox;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Appends a batch of the fleet's events to their tenants' logs, in one transaction
 * together with the inbox entries that make redelivered events no-ops. Tenant events
 * also carry each tenant's audit retention period, which is kept for retention. Events
 * are facts: their details count towards their tenant's storage use, but a tenant past its
 * storage quota still gets them logged (logged and metered, {@link StorageQuota#countFacts}).
 */
@ApplicationScoped
public class IngestEvents {

    private static final Logger LOG = Logger.getLogger(IngestEvents.class);

    /** The inbox consumer name of the ingest. */
    public static final String CONSUMER = "audit-ingest";

    /**
     * Events of privacy requests (created, fulfilled, completed, failed, key destroyed):
     * the proof of erasure. They carry ids, counts and times, no personal content, and
     * must stay readable after the tenant's key is destroyed, so they are not sealed.
     */
    static final String PRIVACY_EVENTS = "aicunet.privacy.v1.";

    /**
     * One consumed fleet CloudEvent. Only events the consumer admitted and could read get
     * here: a Kafka record that is no fleet CloudEvent, or whose payload is not its type's
     * protobuf, is dead-lettered by the consumer (platform/outbox EventConsumption) instead.
     */
    public record IncomingEvent(UUID eventId, String topic, String type, String source, UUID tenantId,
                                String subject, Instant time, byte[] payload) {
    }

    private final AuditAccess access;
    private final LogAppender appender;
    private final AuditServiceConfig config;
    private final DetailsSealing sealing;
    private final MeterRegistry meters;
    private final StorageQuota storage;

    public IngestEvents(AuditAccess access, LogAppender appender, AuditServiceConfig config, DetailsSealing sealing,
                        MeterRegistry meters, StorageQuota storage) {
        this.access = access;
        this.storage = storage;
        this.appender = appender;
        this.config = config;
        this.sealing = sealing;
        this.meters = meters;
    }

    /** Appends the events not seen before; the number appended. */
    public Uni<Integer> ingest(List<IncomingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // One key look-up per tenant of the batch (mostly answered from the key cache), before any
        // transaction opens. When the tenant service cannot be reached this fails and the batch is
        // retried: events wait in Kafka rather than land unsealed.
        List<UUID> sealable = events.stream().filter(IngestEvents::sealable).map(IncomingEvent::tenantId).toList();
        return sealing.currentKeys(sealable).flatMap(keys -> ingest(events, keys));
    }

    private Uni<Integer> ingest(List<IncomingEvent> events, Map<UUID, Optional<DataKey>> keys) {
        // Tenants are spread over a few transactions that run at once (one tenant, and so
        // one event id, is always in one of them). Each commits its events' inbox entries
        // with their records, so when one fails and the batch is redelivered, what the
        // others committed is skipped as already seen: nothing twice, nothing lost.
        int parts = Math.max(1, config.ingest().parallelTransactions());
        List<List<IncomingEvent>> byPart = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            byPart.add(new ArrayList<>());
        }
        events.forEach(e -> byPart.get(Math.floorMod(e.tenantId().hashCode(), parts)).add(e));
        List<Uni<Integer>> transactions = byPart.stream().filter(part -> !part.isEmpty())
                .map(part -> ingestInOneTransaction(part, keys))
                .toList();
        return Uni.join().all(transactions).andCollectFailures()
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    private Uni<Integer> ingestInOneTransaction(List<IncomingEvent> events, Map<UUID, Optional<DataKey>> keys) {
        List<UUID> ids = events.stream().map(IncomingEvent::eventId).distinct().toList();
        return access.asPlatform(connection -> Inbox.firstDeliveries(connection, CONSUMER, ids)
                .flatMap(fresh -> appendFresh(connection, events, fresh, keys)));
    }

    private Uni<Integer> appendFresh(SqlConnection connection, List<IncomingEvent> events, Set<UUID> fresh,
                                     Map<UUID, Optional<DataKey>> keys) {
        // Tenants in a fixed order, so two batches never wait on each other's head locks in a cycle.
        Map<UUID, List<RecordDraft>> byTenant = new TreeMap<>();
        List<IncomingEvent> tenantEvents = new ArrayList<>();
        Set<UUID> taken = new HashSet<>();
        for (IncomingEvent event : events) {
            if (!fresh.contains(event.eventId()) || !taken.add(event.eventId())) {
                continue;
            }
            byTenant.computeIfAbsent(event.tenantId(), t -> new ArrayList<>()).add(draft(event, keys));
            if (event.type().startsWith(TenantEvents.TYPE_PREFIX)) {
                tenantEvents.add(event);
            }
        }
        if (byTenant.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // Each tenant's append is a chain of statements; running the chains together lets the
        // client pipeline them on the one connection instead of waiting for each round trip.
        List<Uni<List<LogAppender.Placed>>> appends = byTenant.entrySet().stream()
                .map(group -> appender.appendNew(connection, group.getKey(), group.getValue()))
                .toList();
        return Uni.join().all(appends).andFailFast()
                .call(ignored -> storage.countFacts(connection, byTenant.keySet().stream()
                        .filter(DetailsSealing::sealedFor).map(TenantId::new).toList()))
                .flatMap(ignored -> Multi.createFrom().iterable(tenantEvents)
                        .onItem().transformToUniAndConcatenate(event -> saveRetention(connection, event))
                        .collect().asList())
                .map(ignored -> taken.size());
    }

    /** Whether the event's payload is sealed with its tenant's key (when the tenant has one). */
    private static boolean sealable(IncomingEvent event) {
        return DetailsSealing.sealedFor(event.tenantId())
                && !event.type().startsWith(PRIVACY_EVENTS) && event.payload() != null && event.payload().length > 0;
    }

    /**
     * The event as a record. A tenant's payload is sealed with the tenant's key. A tenant
     * without a key (unknown to the tenant service, or erased: a late event) still gets its
     * record, so nothing the fleet did goes unlogged and ingest never stops on it, but its
     * payload is kept only as its SHA-256: personal data never lands in the log unsealed.
     */
    private RecordDraft draft(IncomingEvent event, Map<UUID, Optional<DataKey>> keys) {
        byte[] details = event.payload() == null ? new byte[0] : event.payload();
        String reason = "";
        boolean digestOnly = false;
        if (details.length > config.ingest().detailsBytesMax()) {
            reason = "payload of " + details.length + " bytes is kept as its SHA-256";
            details = Sha256.of(details);
            digestOnly = true;
        }
        Optional<DataKey> key = Optional.empty();
        if (!digestOnly && sealable(event)) {
            key = keys.getOrDefault(event.tenantId(), Optional.empty());
            if (key.isEmpty()) {
                reason = UNSEALABLE_REASON;
                details = Sha256.of(details);
                meters.counter("aicunet.audit.ingest.unsealable.events").increment();
            }
        }
        RecordDraft draft = new RecordDraft(event.eventId(), event.time(), clip(event.topic(), 300),
                clip(event.source(), 300), clip(event.type(), 300), clip(event.subject(), 600), "success",
                clip(reason, 2000), event.eventId().toString(), details);
        return key.isPresent() ? DetailsSealing.seal(draft, key.get()) : draft;
    }

    /** The reason of a record whose payload could not be sealed. */
    public static final String UNSEALABLE_REASON =
            "no data key for the tenant (unknown or erased): payload kept as its SHA-256";

    private Uni<Void> saveRetention(SqlConnection connection, IncomingEvent event) {
        Optional<TenantEvents.AuditRetention> retention;
        try {
            retention = TenantEvents.auditRetention(event.type(), event.payload());
        } catch (IllegalArgumentException notItsProtobuf) {
            // The event is logged as it came; only its retention period cannot be read.
            LOG.warnf("event %s of type %s has a payload that is not its protobuf: %s", event.eventId(), event.type(),
                    notItsProtobuf.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (retention.isEmpty() || retention.get().days().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return access.log().saveRetention(connection, event.tenantId(), retention.get().days(),
                retention.get().tenantVersion());
    }

    private static String clip(String text, int max) {
        String value = text == null ? "" : text;
        if (value.length() <= max) {
            return value;
        }
        return value.substring(0, max - 1) + "…";
    }
}
