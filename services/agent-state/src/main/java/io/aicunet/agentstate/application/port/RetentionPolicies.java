package io.aicunet.agentstate.application.port;

import io.aicunet.agentstate.domain.RetentionPolicy;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Optional;

/** Where tenants' retention policies are kept; a tenant without one gets the configured defaults. */
public interface RetentionPolicies {

    Uni<Optional<RetentionPolicy>> find(SqlConnection connection, TenantId tenant);

    Uni<Void> upsert(SqlConnection connection, RetentionPolicy policy, Instant now);

    /** Deletes a tenant's policy; the number of rows deleted. */
    Uni<Integer> deleteOfTenant(SqlConnection connection, TenantId tenant);
}
