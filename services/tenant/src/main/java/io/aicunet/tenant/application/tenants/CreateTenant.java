package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.TenantEvents;
import io.aicunet.tenant.application.keys.DataKeys;
import io.aicunet.tenant.application.port.Tenants;
import io.aicunet.tenant.application.tenants.TenantCommands.CreateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantInputs.NewTenant;
import io.aicunet.tenant.config.TenantServiceConfig;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * Registers a tenant, once per idempotency key: a retry with the same key and the
 * same request returns the first result; the same key with another request is a
 * conflict. Keys belong to the caller's subject.
 */
@ApplicationScoped
public class CreateTenant {

    public static final String ACTION = "tenant.tenants.create";

    /** What CreateTenant produced; {@code replayed} when it repeats the first result of the key. */
    public record Created(Tenant tenant, boolean replayed) {
    }

    private final TenantAccess access;
    private final TenantServiceConfig config;
    private final DataKeys dataKeys;
    private final TenantEvents events;

    public CreateTenant(TenantAccess access, TenantServiceConfig config, DataKeys dataKeys, TenantEvents events) {
        this.access = access;
        this.config = config;
        this.dataKeys = dataKeys;
        this.events = events;
    }

    public Uni<Result<Created>> execute(Caller caller, CreateTenantCommand command) {
        Result<NewTenant> input = TenantInputs.newTenant(command, config.regions());
        if (!input.isOk()) {
            return Uni.createFrom().item(Result.failed(input.problem()));
        }
        NewTenant newTenant = input.value();
        byte[] digest = digest(newTenant);
        return access.onPlatform(caller, ACTION, connection -> {
            Tenant tenant = Tenant.register(TenantId.random(), newTenant.settings(), newTenant.slug(),
                    newTenant.region(), Instant.now().truncatedTo(ChronoUnit.MICROS));
            return access.tenants()
                    .claimIdempotencyKey(connection, caller.subject(), command.idempotencyKey(), digest, tenant.id())
                    .flatMap(claimed -> claimed
                            ? register(connection, tenant)
                            : replay(connection, caller, command.idempotencyKey(), digest));
        });
    }

    private Uni<Result<Created>> register(SqlConnection connection, Tenant tenant) {
        return access.tenants().insert(connection, tenant).flatMap(inserted -> {
            if (!inserted) {
                return Uni.createFrom().item(Result.failed(new Problem.Conflict("SLUG_TAKEN",
                        "slug " + tenant.slug() + " belongs to another tenant")));
            }
            return dataKeys.create(connection, tenant.id())
                    .flatMap(keyId -> access.outbox().append(connection, events.created(tenant)))
                    .map(ignored -> Result.ok(new Created(tenant, false)));
        });
    }

    private Uni<Result<Created>> replay(SqlConnection connection, Caller caller, String key, byte[] digest) {
        return access.tenants().findIdempotencyKey(connection, caller.subject(), key).flatMap(found -> {
            Tenants.IdempotencyRecord record = found.orElseThrow(() -> new IllegalStateException(
                    "idempotency key " + key + " was claimed but cannot be read"));
            if (!Arrays.equals(record.requestDigest(), digest)) {
                return Uni.createFrom().item(Result.failed(new Problem.Conflict("IDEMPOTENCY_KEY_REUSED",
                        "idempotency key " + key + " was used for a different request")));
            }
            return access.tenants().find(connection, record.tenant(), false)
                    .map(tenant -> Result.ok(new Created(tenant.orElseThrow(() -> new IllegalStateException(
                            "idempotency key " + key + " names missing tenant " + record.tenant())), true)));
        });
    }

    /** The digest of the request's meaning (validated values), so the same request in any spelling matches. */
    static byte[] digest(NewTenant tenant) {
        RequestDigest.Builder digest = RequestDigest.builder()
                .text("CreateTenant")
                .text(tenant.slug())
                .text(tenant.region())
                .text(tenant.settings().displayName())
                .text(tenant.settings().tier().name())
                .number(tenant.settings().quotas().requestsPerMinute())
                .number(tenant.settings().quotas().tokensPerDay())
                .number(tenant.settings().quotas().storageBytes())
                .number(tenant.settings().retention().days().size());
        tenant.settings().retention().days().forEach((dataClass, days) ->
                digest.text(dataClass.wireName()).number(days));
        return digest.build().bytes();
    }
}
