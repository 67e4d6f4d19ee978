package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.privacy.ErasureReplay;
import io.aicunet.platform.privacy.ErasureTombstone;
import io.aicunet.platform.problem.Result;
import io.aicunet.tenant.application.access.TenantAccess;
import io.aicunet.tenant.application.keys.DataKeys;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The tenant service's share of re-applying an erasure after a restore (platform/privacy
 * {@code ErasureTombstones}): for a tenant's tombstone, the tenant is erased again (display
 * name replaced, status erased, whatever status the restored row had) and every data key it
 * has is destroyed, in one transaction. Idempotent: an erased tenant with no key left is
 * not touched. Nothing goes to the outbox: the erasure was announced before the restore.
 * A subject's tombstone changes nothing here (the tenant service keeps no per-subject data
 * beyond the privacy requests themselves); a tenant the restored database never had is
 * skipped.
 */
@ApplicationScoped
public class TenantErasureReplay implements ErasureReplay {

    private static final Logger LOG = Logger.getLogger(TenantErasureReplay.class);

    private final TenantAccess access;
    private final DataKeys dataKeys;

    public TenantErasureReplay(TenantAccess access, DataKeys dataKeys) {
        this.access = access;
        this.dataKeys = dataKeys;
    }

    @Override
    public Uni<Map<String, Long>> replay(ErasureTombstone tombstone) {
        if (tombstone.kind() != ErasureTombstone.Kind.TENANT) {
            return Uni.createFrom().item(Map.of());
        }
        return access.asPlatform(connection -> access.tenants().find(connection, tombstone.tenant(), true)
                        .flatMap(found -> found.isEmpty()
                                ? Uni.createFrom().item(Result.ok(Map.<String, Long>of()))
                                : eraseAgain(connection, found.get(), tombstone)))
                .map(Result::value);
    }

    private Uni<Result<Map<String, Long>>> eraseAgain(SqlConnection connection, Tenant tenant,
                                                      ErasureTombstone tombstone) {
        Map<String, Long> counts = new HashMap<>();
        Uni<Void> marked;
        if (tenant.status() == TenantStatus.ERASED) {
            marked = Uni.createFrom().voidItem();
        } else {
            // Through offboarding as the domain allows it, but stored as one change (the next version).
            Tenant offboarding = tenant.status() == TenantStatus.OFFBOARDING ? tenant
                    : tenant.moveTo(TenantStatus.OFFBOARDING, tombstone.erasedAt()).value();
            Tenant twice = offboarding.erase(tombstone.erasedAt()).value();
            Tenant erased = new Tenant(twice.id(), twice.slug(), twice.displayName(), twice.region(), twice.tier(),
                    twice.status(), twice.quotas(), twice.retention(), tenant.version() + 1, twice.createdAt(),
                    twice.updatedAt());
            counts.put("tenants", 1L);
            marked = access.tenants().update(connection, erased);
        }
        return marked.flatMap(ignored -> dataKeys.destroyAll(connection, tenant.id()))
                .map(destroyed -> {
                    counts.put("tenant_data_keys", (long) destroyed.size());
                    if (!destroyed.isEmpty() || counts.containsKey("tenants")) {
                        LOG.infof("tenant %s erased again from tombstone %s (restored as %s): %d data keys destroyed",
                                tenant.id(), tombstone.requestId(), tenant.status(), destroyed.size());
                    }
                    return Result.ok(Map.copyOf(counts));
                });
    }
}
