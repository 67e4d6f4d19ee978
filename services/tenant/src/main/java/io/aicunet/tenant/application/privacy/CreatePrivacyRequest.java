package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.PrivacyEvents;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.application.port.PrivacyRequests;
import io.aicunet.tenant.config.TenantServiceConfig;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantRules;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts a GDPR export or erasure: records it as pending with a deadline and announces
 * it (PrivacyRequestCreated), in one transaction. Erasing a whole tenant first moves it
 * to offboarding. At most one erasure of a subject is pending at a time.
 */
@ApplicationScoped
public class CreatePrivacyRequest {

    public static final String ACTION = "tenant.privacy-requests.create";
    private static final int SUBJECT_ID_LENGTH_MAX = 200;

    /** What callers ask: kind as its wire name (export, erase); subject empty for the whole tenant. */
    public record CreatePrivacyRequestCommand(String idempotencyKey, String kind, String tenantId, String subjectId) {
    }

    /** The request, and whether this answer repeats the first result of the idempotency key. */
    public record Created(PrivacyRequest request, boolean replayed) {
    }

    private final TenantAccess access;
    private final PrivacyRequests requests;
    private final TenantServiceConfig config;
    private final TenantEvents tenantEvents;
    private final PrivacyEvents privacyEvents;

    public CreatePrivacyRequest(TenantAccess access, PrivacyRequests requests, TenantServiceConfig config,
                                TenantEvents tenantEvents, PrivacyEvents privacyEvents) {
        this.access = access;
        this.requests = requests;
        this.config = config;
        this.tenantEvents = tenantEvents;
        this.privacyEvents = privacyEvents;
    }

    public Uni<Result<Created>> execute(Caller caller, CreatePrivacyRequestCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        TenantRules.checkIdempotencyKey(command.idempotencyKey(), violations);
        Optional<PrivacyRequest.Kind> kind = Arrays.stream(PrivacyRequest.Kind.values())
                .filter(k -> k.name().equalsIgnoreCase(String.valueOf(command.kind()))).findFirst();
        if (kind.isEmpty()) {
            violations.add(new FieldViolation("kind", "must be export or erase"));
        }
        String subjectId = command.subjectId() == null ? "" : command.subjectId().trim();
        if (subjectId.length() > SUBJECT_ID_LENGTH_MAX) {
            violations.add(new FieldViolation("subject_id", "must be at most " + SUBJECT_ID_LENGTH_MAX + " characters"));
        } else {
            // The subject id is stored and sent to every service's privacy part: no NUL, no control characters.
            // Checked as sent: trim() drops a NUL or other control character at either end, which made a
            // request for "user-1\u0000" start the export of "user-1" instead of being refused.
            InputChecks.checkText("subject_id", command.subjectId(), Integer.MAX_VALUE, violations);
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        byte[] digest = digest(kind.get(), command.tenantId(), subjectId);
        return access.onTenant(caller, command.tenantId(), ACTION, true, (connection, tenant) ->
                requests.findByKey(connection, tenant.id(), caller.subject(), command.idempotencyKey())
                        .flatMap(used -> used.isPresent()
                        ? replay(connection, used.get(), digest, command.idempotencyKey())
                        : create(connection, caller, command, tenant, kind.get(), subjectId, digest)));
    }

    private Uni<Result<Created>> create(SqlConnection connection, Caller caller, CreatePrivacyRequestCommand command,
                                        Tenant tenant, PrivacyRequest.Kind kind, String subjectId, byte[] digest) {
        if (tenant.status() == TenantStatus.ERASED) {
            return Uni.createFrom().item(Result.failed(new Problem.FailedPrecondition("TENANT_ERASED",
                    "tenants/" + tenant.id(), "the tenant was erased; nothing of it is left to export or erase")));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        PrivacyRequest request = new PrivacyRequest(UUID.randomUUID(), tenant.id(), kind, subjectId,
                PrivacyRequest.Status.PENDING, config.privacyServices().stream().sorted().toList(), now,
                now.plusSeconds(config.privacyDeadlineSeconds()), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
        return requests.register(connection, request, caller.subject(), command.idempotencyKey(), digest)
                .flatMap(registration -> {
                    switch (registration) {
                        case KEY_USED:
                            return requests.findByKey(connection, tenant.id(), caller.subject(), command.idempotencyKey())
                                    .flatMap(used -> replay(connection, used.orElseThrow(), digest,
                                            command.idempotencyKey()));
                        case ERASURE_PENDING:
                            return Uni.createFrom().item(Result.failed(new Problem.Conflict("ERASURE_IN_PROGRESS",
                                    "an erasure of " + (subjectId.isEmpty() ? "this tenant" : "subject " + subjectId)
                                            + " is already pending")));
                        default:
                            return startOffboarding(connection, request, tenant, now)
                                    .flatMap(ignored -> announce(connection, request))
                                    .map(ignored -> Result.ok(new Created(request, false)));
                    }
                });
    }

    /** A whole-tenant erasure moves the tenant to offboarding (unless a failed erasure already did). */
    private Uni<Void> startOffboarding(SqlConnection connection, PrivacyRequest request, Tenant tenant, Instant now) {
        if (!request.isTenantErasure() || tenant.status() == TenantStatus.OFFBOARDING) {
            return Uni.createFrom().voidItem();
        }
        Tenant offboarding = tenant.moveTo(TenantStatus.OFFBOARDING, now).value();
        return access.save(connection, offboarding, tenantEvents.updated(offboarding)).replaceWithVoid();
    }

    private Uni<Void> announce(SqlConnection connection, PrivacyRequest request) {
        return access.outbox().append(connection, privacyEvents.created(request)).replaceWithVoid();
    }

    private Uni<Result<Created>> replay(SqlConnection connection, PrivacyRequests.Keyed used, byte[] digest,
                                        String key) {
        if (!Arrays.equals(used.requestDigest(), digest)) {
            return Uni.createFrom().item(Result.failed(new Problem.Conflict("IDEMPOTENCY_KEY_REUSED",
                    "idempotency key " + key + " was used for a different request")));
        }
        return requests.find(connection, used.id(), false)
                .map(found -> Result.ok(new Created(found.orElseThrow(), true)));
    }

    private static byte[] digest(PrivacyRequest.Kind kind, String tenantId, String subjectId) {
        return RequestDigest.builder().text("CreatePrivacyRequest").text(kind.name()).text(tenantId).text(subjectId)
                .build().bytes();
    }
}
