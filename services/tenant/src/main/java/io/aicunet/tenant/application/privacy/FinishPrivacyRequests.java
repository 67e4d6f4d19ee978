package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.outbox.Inbox;
import io.aicunet.platform.privacy.ErasureTombstone;
import io.aicunet.platform.privacy.ErasureTombstones;
import io.aicunet.platform.problem.Result;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.PrivacyEvents;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.application.keys.DataKeys;
import io.aicunet.tenant.application.port.PrivacyRequests;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Moves privacy requests to their end. Each service's answer is recorded once (by
 * event id); when the last expected answer arrives the request completes: an export
 * gets its bundle and manifest, a tenant erasure destroys the tenant's data key last
 * and marks the tenant erased. A request still pending at its deadline fails, naming
 * the services that did not answer. Safe with several replicas: the request row is
 * locked, overdue requests are taken with SKIP LOCKED.
 */
@ApplicationScoped
public class FinishPrivacyRequests {

    static final String INBOX_CONSUMER = "tenant-privacy-answers";
    private static final Logger LOG = Logger.getLogger(FinishPrivacyRequests.class);
    private static final int OVERDUE_BATCH_MAX = 100;
    /**
     * The newest exports of a tenant whose bundles its erasure deletes. Older bundles have
     * expired (aicunet.privacy.exports.expire-after) unless one tenant asked for more than
     * this many exports within that time.
     */
    static final int EXPORTS_OF_TENANT_MAX = 1000;

    private final TenantAccess access;
    private final PrivacyRequests requests;
    private final DataKeys dataKeys;
    private final ExportBundles bundles;
    private final TenantEvents tenantEvents;
    private final PrivacyEvents privacyEvents;
    private final ErasureTombstones tombstones;

    public FinishPrivacyRequests(TenantAccess access, PrivacyRequests requests, DataKeys dataKeys,
                                 ExportBundles bundles, TenantEvents tenantEvents, PrivacyEvents privacyEvents,
                                 ErasureTombstones tombstones) {
        this.access = access;
        this.requests = requests;
        this.dataKeys = dataKeys;
        this.bundles = bundles;
        this.tenantEvents = tenantEvents;
        this.privacyEvents = privacyEvents;
        this.tombstones = tombstones;
    }

    /**
     * Records one service's answer (event {@code eventId}: the part it fulfilled of request
     * {@code rawRequestId}); completes the request when it was the last one missing.
     */
    public Uni<Void> recordAnswer(UUID eventId, String rawRequestId, PrivacyRequest.Part part) {
        UUID requestId;
        try {
            requestId = UUID.fromString(rawRequestId);
        } catch (IllegalArgumentException notUuid) {
            LOG.warnf("ignoring a privacy answer from %s for malformed request id %s", part.service(), rawRequestId);
            return Uni.createFrom().voidItem();
        }
        return access.asPlatform(connection -> Inbox.firstDelivery(connection, INBOX_CONSUMER, eventId)
                .flatMap(first -> first
                        ? requests.find(connection, requestId, true)
                        : Uni.createFrom().item(Optional.<PrivacyRequest>empty()))
                .flatMap(found -> {
                    if (found.isEmpty() || found.get().status() != PrivacyRequest.Status.PENDING
                            || !found.get().expectedServices().contains(part.service())) {
                        return Uni.createFrom().item(Result.ok(true));
                    }
                    PrivacyRequest request = found.get();
                    return requests.addPart(connection, request, part)
                            .flatMap(added -> requests.find(connection, requestId, false))
                            .flatMap(updated -> updated.orElseThrow().missingServices().isEmpty()
                                    ? complete(connection, updated.get())
                                    : Uni.createFrom().voidItem())
                            .replaceWith(Result.ok(true));
                })).replaceWithVoid();
    }

    /** Fails every request still pending at {@code now} past its deadline; the number failed. */
    public Uni<Integer> failOverdue(Instant now) {
        return access.asPlatform(connection -> requests.lockOverdue(connection, now, OVERDUE_BATCH_MAX)
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> requests.find(connection, id, false)
                                .flatMap(found -> fail(connection, found.orElseThrow(), "no answer by "
                                        + found.get().deadline() + " from: "
                                        + String.join(", ", found.get().missingServices()), now)))
                        .collect().asList()
                        .map(failed -> Result.ok(failed.size())))).map(Result::value);
    }

    private Uni<Void> complete(SqlConnection connection, PrivacyRequest request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return access.tenants().find(connection, request.tenant(), true).flatMap(found -> {
            Tenant tenant = found.orElseThrow(() -> new IllegalStateException(
                    "privacy request " + request.id() + " names missing tenant " + request.tenant()));
            if (request.kind() == PrivacyRequest.Kind.EXPORT) {
                return bundles.assemble(request, tenant, now).flatMap(assembly -> assembly.failureReason().isPresent()
                        ? fail(connection, request, assembly.failureReason().get(), now)
                        : succeed(connection, withEnd(request, PrivacyRequest.Status.COMPLETED, now, Optional.empty(),
                                assembly.manifestObject(), Optional.empty())));
            }
            if (!request.isTenantErasure()) {
                // A subject's erasure: its tombstone first, so that a restore to before it erases the subject again.
                return tombstones.record(tombstoneOf(request, now))
                        .flatMap(recorded -> succeed(connection, withEnd(request, PrivacyRequest.Status.COMPLETED, now,
                                Optional.empty(), Optional.empty(), Optional.empty())));
            }
            return eraseTenant(connection, request, tenant, now);
        });
    }

    /**
     * Every service has erased its part: record the erasure's tombstone, delete the tenant's
     * export bundles, mark the tenant erased, then destroy its keys, last. The tombstone and
     * the bundles go first: an object store that fails fails this transaction, and the answer
     * is retried until they are done; a key is never destroyed without its tombstone, which a
     * restore to before the erasure needs to erase the tenant again (ErasureTombstones).
     */
    private Uni<Void> eraseTenant(SqlConnection connection, PrivacyRequest request, Tenant tenant, Instant now) {
        Result<Tenant> erasure = tenant.erase(now);
        if (!erasure.isOk()) {
            return fail(connection, request, erasure.problem().detail(), now);
        }
        Tenant erased = erasure.value();
        return tombstones.record(tombstoneOf(request, now))
                .flatMap(recorded -> requests.exportIds(connection, tenant.id(), EXPORTS_OF_TENANT_MAX))
                .flatMap(exportIds -> bundles.deleteBundles(tenant.id(), exportIds))
                .flatMap(deleted -> access.save(connection, erased, tenantEvents.updated(erased)))
                .flatMap(ignored -> dataKeys.destroyAll(connection, tenant.id()))
                .flatMap(keyIds -> access.outbox().append(connection,
                        privacyEvents.keysDestroyed(tenant.id(), keyIds, now, request.id())))
                .flatMap(ignored -> succeed(connection, withEnd(request, PrivacyRequest.Status.COMPLETED, now,
                        Optional.empty(), Optional.empty(), Optional.of(now))));
    }

    private static ErasureTombstone tombstoneOf(PrivacyRequest erasure, Instant now) {
        return ErasureTombstone.of(erasure.id(), erasure.tenant(), Optional.of(erasure.subjectId()), now);
    }

    private Uni<Void> succeed(SqlConnection connection, PrivacyRequest finished) {
        return requests.finish(connection, finished)
                .flatMap(ignored -> access.outbox().append(connection, privacyEvents.completed(finished)))
                .replaceWithVoid();
    }

    private Uni<Void> fail(SqlConnection connection, PrivacyRequest request, String reason, Instant now) {
        LOG.warnf("privacy request %s failed: %s", request.id(), reason);
        PrivacyRequest failed = withEnd(request, PrivacyRequest.Status.FAILED, now, Optional.of(reason),
                Optional.empty(), Optional.empty());
        return requests.finish(connection, failed)
                .flatMap(ignored -> access.outbox().append(connection, privacyEvents.failed(failed)))
                .replaceWithVoid();
    }

    private static PrivacyRequest withEnd(PrivacyRequest request, PrivacyRequest.Status status, Instant at,
                                          Optional<String> failureReason, Optional<String> manifestObject,
                                          Optional<Instant> keyDestroyedAt) {
        return new PrivacyRequest(request.id(), request.tenant(), request.kind(), request.subjectId(), status,
                request.expectedServices(), request.createdAt(), request.deadline(), Optional.of(at), failureReason,
                manifestObject, keyDestroyedAt, request.parts());
    }
}
