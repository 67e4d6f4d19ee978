package io.aicunet.platform.privacy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.aicunet.contracts.privacy.v1.PrivacyRequestCreated;
import io.aicunet.contracts.privacy.v1.PrivacyRequestFulfilled;
import io.aicunet.contracts.privacy.v1.PrivacyRequestKind;
import io.aicunet.contracts.privacy.v1.TenantDataKeyDestroyed;
import io.aicunet.platform.outbox.EventAdmission;
import io.aicunet.platform.outbox.EventConsumption;
import io.aicunet.platform.outbox.Inbox;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * A service's side of privacy requests: reads {@code tenant.privacy-requests.v1}
 * (channel {@code privacy-requests}), has the service's {@link PrivacyPart} export or
 * erase, and answers {@code PrivacyRequestFulfilled} on {@code <service>.privacy.v1}
 * through the outbox, in the transaction that did the work. A redelivered request is
 * recognised by its event id in the inbox and not done twice. On
 * {@code TenantDataKeyDestroyed} it drops the cached key of the tenant at once; from a
 * whole tenant's erasure on, it caches none of the tenant's keys ({@link TenantDataKeys#erasing}).
 *
 * <p>Through the platform's {@link EventConsumption}: a request that is not the tenant
 * service's CloudEvent (a forged erasure from another source), or cannot be read, goes to
 * {@code <topic>.dlq.<group>}; a failure to fulfil a good request (database, Redis or
 * object store away) is retried with back-off until it succeeds, never dropped.
 *
 * <p>Enabled by the build property {@code aicunet.privacy.requests.enabled=true} (the
 * tenant service, which shares this library, does not answer its own requests).
 */
@IfBuildProperty(name = "aicunet.privacy.requests.enabled", stringValue = "true")
@ApplicationScoped
public class PrivacyRequestsConsumer {

    private static final Logger LOG = Logger.getLogger(PrivacyRequestsConsumer.class);
    private static final String CREATED = PrivacyRequestCreated.getDescriptor().getFullName();
    private static final String KEY_DESTROYED = TenantDataKeyDestroyed.getDescriptor().getFullName();

    /** Pages of an export fetched ahead of the one being written. */
    static final int PAGES_AHEAD = 2;

    /** The channel; its defaults are in {@link PrivacyChannelDefaults}. */
    static final String CHANNEL = "privacy-requests";

    private final Pool pool;
    private final Outbox outbox;
    private final ObjectStore objects;
    private final PrivacyPart part;
    private final TenantDataKeys keys;
    private final EventConsumption consumption;
    private final String service;

    public PrivacyRequestsConsumer(Pool pool, Outbox outbox, ObjectStore objects, PrivacyPart part,
                                   TenantDataKeys keys, EventConsumption consumption,
                                   @ConfigProperty(name = "quarkus.application.name") String service) {
        this.pool = pool;
        this.outbox = outbox;
        this.objects = objects;
        this.part = part;
        this.keys = keys;
        this.consumption = consumption;
        this.service = service;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return consumption.consume(CHANNEL, record, event -> {
            if (KEY_DESTROYED.equals(event.type())) {
                keys.forget(event.tenant());
                return Uni.createFrom().voidItem();
            }
            if (!CREATED.equals(event.type())) {
                return Uni.createFrom().voidItem();
            }
            PrivacyRequestCreated request = decode(event);
            return fulfil(event.eventId(), request)
                    .invoke(() -> LOG.debugf("privacy request %s done by %s", request.getRequestId(), service));
        });
    }

    /**
     * The request, or a {@link PoisonEvent} when the payload is not a PrivacyRequestCreated,
     * holds control characters, or lacks a readable request id or tenant id.
     */
    static PrivacyRequestCreated decode(ReceivedEvent event) {
        PrivacyRequestCreated request;
        try {
            request = EventAdmission.requireCleanText(PrivacyRequestCreated.parseFrom(event.payload()));
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a PrivacyRequestCreated",
                    malformed);
        }
        try {
            UUID.fromString(request.getRequestId());
        } catch (IllegalArgumentException notUuid) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "request_id is not a UUID");
        }
        if (TenantId.parse(request.getTenantId()).isEmpty()) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "tenant_id is not a tenant id");
        }
        return request;
    }

    /** Does this service's part of the request once; a redelivery finds it done and does nothing. */
    Uni<Void> fulfil(UUID eventId, PrivacyRequestCreated request) {
        TenantId tenant = TenantId.parse(request.getTenantId()).orElseThrow(
                () -> new IllegalArgumentException("request " + request.getRequestId() + " has no tenant id"));
        PrivacyScope scope = new PrivacyScope(UUID.fromString(request.getRequestId()), tenant,
                Optional.of(request.getSubjectId()));
        if (request.getKind() == PrivacyRequestKind.PRIVACY_REQUEST_KIND_EXPORT) {
            return once(eventId, scope, connection -> writeExport(request.getExportPrefix() + service + ".jsonl",
                            part.export(connection, scope))
                    .flatMap(written -> answer(connection, request, scope, Map.of(), written)))
                    .invoke(() -> LOG.infof("exported %s for privacy request %s", scope, request.getRequestId()));
        }
        if (request.getKind() == PrivacyRequestKind.PRIVACY_REQUEST_KIND_ERASE) {
            if (scope.wholeTenant()) {
                keys.erasing(tenant); // before the answer lets the tenant service destroy the keys
            }
            return part.eraseOutsideDatabase(scope).flatMap(outside -> once(eventId, scope,
                            connection -> part.erase(connection, scope)
                                    .flatMap(erased -> answer(connection, request, scope, merge(outside, erased),
                                            Written.NOTHING))))
                    .call(() -> part.eraseOutsideDatabase(scope)
                            .onFailure().invoke(failure -> LOG.warnf(failure,
                                    "second pass over Redis for privacy request %s failed", request.getRequestId()))
                            .onFailure().recoverWithNull())
                    .invoke(() -> LOG.infof("erased %s for privacy request %s", scope, request.getRequestId()));
        }
        LOG.warnf("ignoring privacy request %s of unknown kind %s", request.getRequestId(), request.getKind());
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> once(UUID eventId, PrivacyScope scope,
                           java.util.function.Function<SqlConnection, Uni<Void>> work) {
        return TenantTransactions.<Boolean>inTenant(pool, TenantScope.of(scope.tenant()),
                        connection -> Inbox.firstDelivery(connection, service + ".privacy-requests", eventId)
                                .flatMap(first -> first
                                        ? work.apply(connection).replaceWith(Result.ok(true))
                                        : Uni.createFrom().item(Result.ok(false))))
                .replaceWithVoid();
    }

    private record Written(String object, String sha256, Map<String, Long> counts) {
        static final Written NOTHING = new Written("", "", Map.of());
    }

    /**
     * Writes the pages as JSON Lines in the order the part exports them, encoding one line
     * at a time as the store reads them and asking for the next page only when the one
     * before is written ({@link #PAGES_AHEAD} ahead at most): the export is never held in
     * memory whole. A failure of the part or of the store fails the upload, which leaves no
     * object, and cancels the pages.
     */
    private Uni<Written> writeExport(String object, Multi<ExportPage> pages) {
        return Uni.createFrom().item(() -> {
            Map<String, Long> counts = new TreeMap<>();
            try (Stream<ExportPage> stream = pages.subscribe().asStream(PAGES_AHEAD,
                    () -> new ArrayBlockingQueue<>(PAGES_AHEAD));
                    InputStream content = new LinesInputStream(stream
                            .peek(page -> counts.merge(page.kind(), (long) page.records().size(), Long::sum))
                            .flatMap(page -> page.records().stream().map(row -> (new JsonObject()
                                    .put("kind", page.kind()).put("record", row).encode() + "\n")
                                    .getBytes(StandardCharsets.UTF_8)))
                            .iterator())) {
                String sha256 = objects.put(object, content);
                return new Written(object, sha256, counts);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + object, e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<Void> answer(SqlConnection connection, PrivacyRequestCreated request, PrivacyScope scope,
                             Map<String, Long> erased, Written written) {
        Instant now = Instant.now();
        PrivacyRequestFulfilled answer = PrivacyRequestFulfilled.newBuilder()
                .setRequestId(request.getRequestId())
                .setService(service)
                .setTenantId(request.getTenantId())
                .setKind(request.getKind())
                .setFulfilledAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setObject(written.object())
                .setSha256(written.sha256())
                .putAllCounts(written.counts())
                .putAllCounts(erased)
                .build();
        return outbox.append(connection, outbox.event(service + ".privacy.v1", scope.tenant(),
                request.getRequestId(), answer)).replaceWithVoid();
    }

    private static Map<String, Long> merge(Map<String, Long> first, Map<String, Long> second) {
        Map<String, Long> merged = new HashMap<>(first);
        second.forEach((kind, count) -> merged.merge(kind, count, Long::sum));
        return merged;
    }
}
