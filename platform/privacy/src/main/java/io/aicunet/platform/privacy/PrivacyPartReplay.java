package io.aicunet.platform.privacy;

import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * Re-applies an erasure in a service that answers privacy requests, as
 * {@link PrivacyRequestsConsumer} did it the first time: {@link PrivacyPart#eraseOutsideDatabase}
 * (Redis), then {@link PrivacyPart#erase} in one transaction scoped to the tenant, then
 * outside the database again; but without the inbox and without an answer on Kafka.
 */
@IfBuildProperty(name = "aicunet.privacy.requests.enabled", stringValue = "true")
@ApplicationScoped
public class PrivacyPartReplay implements ErasureReplay {

    private final Pool pool;
    private final PrivacyPart part;

    public PrivacyPartReplay(Pool pool, PrivacyPart part) {
        this.pool = pool;
        this.part = part;
    }

    @Override
    public Uni<Map<String, Long>> replay(ErasureTombstone tombstone) {
        PrivacyScope scope = tombstone.scope();
        return part.eraseOutsideDatabase(scope)
                .flatMap(outside -> TenantTransactions.inTenant(pool, TenantScope.of(scope.tenant()),
                                connection -> part.erase(connection, scope).map(Result::ok))
                        .map(erased -> merge(outside, erased.value())))
                .flatMap(counts -> part.eraseOutsideDatabase(scope).map(again -> merge(counts, again)));
    }

    private static Map<String, Long> merge(Map<String, Long> first, Map<String, Long> second) {
        Map<String, Long> merged = new HashMap<>(first);
        second.forEach((kind, count) -> merged.merge(kind, count, Long::sum));
        return merged;
    }
}
