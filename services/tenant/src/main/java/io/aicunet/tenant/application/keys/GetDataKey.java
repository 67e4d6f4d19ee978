package io.aicunet.tenant.application.keys;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.contract.KeyAccessEvents;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Hands a tenant's data key to a service of the fleet (policy: the services that
 * encrypt, with their own account, for the tenant the request names). A tenant without a key yet gets one; an erased tenant's key is gone.
 * Every key handed out is recorded (TenantDataKeyRead on tenant.key-access.v1).
 */
@ApplicationScoped
public class GetDataKey {

    public static final String ACTION = "tenant.data-keys.read";

    private final TenantAccess access;
    private final DataKeys dataKeys;
    private final KeyAccessEvents keyAccess;

    public GetDataKey(TenantAccess access, DataKeys dataKeys, KeyAccessEvents keyAccess) {
        this.access = access;
        this.dataKeys = dataKeys;
        this.keyAccess = keyAccess;
    }

    /**
     * The key, and a TenantDataKeyRead naming the caller in the same transaction: a key is
     * never handed out without its record in the audit log's way.
     */
    public Uni<Result<DataKeys.Lookup.Found>> execute(Caller caller, String tenantId, String keyId) {
        return access.onTenant(caller, tenantId, ACTION, false, (connection, tenant) ->
                dataKeys.find(connection, tenant.id(), keyId).flatMap(lookup -> {
                    if (lookup instanceof DataKeys.Lookup.Found found) {
                        return recorded(connection, tenant.id(), caller, found, false);
                    }
                    if (lookup instanceof DataKeys.Lookup.Destroyed || tenant.status() == TenantStatus.ERASED) {
                        return Uni.createFrom().item(Result.failed(destroyed(tenantId)));
                    }
                    if (!keyId.isEmpty()) {
                        return Uni.createFrom().item(Result.failed(new Problem.NotFound("data key", keyId)));
                    }
                    // Tenants registered before data keys existed get theirs on first use.
                    return dataKeys.create(connection, tenant.id())
                            .flatMap(created -> dataKeys.find(connection, tenant.id(), created))
                            .flatMap(created -> created instanceof DataKeys.Lookup.Found found
                                    ? recorded(connection, tenant.id(), caller, found, true)
                                    : Uni.createFrom().item(Result.failed(destroyed(tenantId))));
                }));
    }

    private Uni<Result<DataKeys.Lookup.Found>> recorded(SqlConnection connection, TenantId tenant, Caller caller,
                                                        DataKeys.Lookup.Found found, boolean created) {
        return access.outbox().append(connection, keyAccess.read(tenant, found.keyId(), caller.subject(), created))
                .map(ignored -> Result.ok(found));
    }

    private static Problem destroyed(String tenantId) {
        return new Problem.FailedPrecondition("TENANT_KEY_DESTROYED", "tenants/" + tenantId,
                "the tenant's data key was destroyed: its encrypted data can no longer be read");
    }
}
