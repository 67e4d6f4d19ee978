package io.aicunet.config.adapter.redis;

import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.config.ConfigTestBase;
import io.aicunet.config.StackAdmin;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.StackRedisClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * config's effective-value cache cannot be poisoned by another service: the cache is
 * trusted because no other Redis user can write it (docs/redis.md, "ACL users": config's
 * keyspace is unwritable by others, rather than a MAC on each cached value). The attack
 * of issue 13, tried for real from every other service's Redis user of the local stack.
 */
@QuarkusTest
class CachePoisoningTest extends ConfigTestBase {

    private static final List<String> OTHER_SERVICES = List.of("agent-state", "tenant", "ledger", "audit");

    /** As the stack's Redis administrator: config's own user may not run the commands this test inspects with. */
    @Inject
    @StackAdmin
    RedisDataSource redis;

    @Inject
    Vertx vertx;

    /**
     * Proves: once config has cached a tenant's effective configuration, no other
     * service's Redis user can overwrite, add to, delete or read that cache entry (HSET,
     * an EVAL that writes it, DEL, HGETALL: each refused with NOPERM), the entry is
     * unchanged afterwards, and config goes on serving exactly the value it stored.
     */
    @Test
    void noOtherServiceCanWriteConfigsCache() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        String key = RedisEffectiveCache.hashKey(Optional.of(new TenantId(UUID.fromString(tenant))));
        assertThat(model(tenant, namespace)).isEqualTo("\"large\"");
        Map<String, String> cached = redis.hash(String.class).hgetall(key);
        assertThat(cached).as("config cached what it served").hasSize(1);
        String field = cached.keySet().iterator().next();
        String poisoned = cached.get(field).replace("\\\"large\\\"", "\\\"poisoned\\\"");
        assertThat(poisoned).as("the planted value differs from the stored one").isNotEqualTo(cached.get(field));

        for (String service : OTHER_SERVICES) {
            Redis other = Redis.createClient(vertx, StackRedisClient.options(service));
            try {
                assertRefused(other, service, Request.cmd(Command.HSET).arg(key).arg(field).arg(poisoned));
                assertRefused(other, service, Request.cmd(Command.HSET).arg(key).arg("ledger|*").arg(poisoned));
                assertRefused(other, service, Request.cmd(Command.EVAL)
                        .arg("return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])").arg(1).arg(key).arg(field)
                        .arg(poisoned));
                assertRefused(other, service, Request.cmd(Command.DEL).arg(key));
                assertRefused(other, service, Request.cmd(Command.HGETALL).arg(key));
            } finally {
                other.close();
            }
        }

        assertThat(redis.hash(String.class).hgetall(key)).as("the cache entry is unchanged").isEqualTo(cached);
        assertThat(model(tenant, namespace)).as("config serves what it stored").isEqualTo("\"large\"");
    }

    private static void assertRefused(Redis client, String service, Request request) {
        assertThatThrownBy(() -> client.send(request).await().atMost(Duration.ofSeconds(10)))
                .as("%s: %s", service, request)
                .hasMessageContaining("NOPERM");
    }

    private String model(String tenant, String namespace) {
        return admin().getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                        .addNamespaces(namespace).build()).getValuesList().stream()
                .filter(v -> v.getKey().equals("model")).map(v -> v.getValue().getJson()).findFirst().orElseThrow();
    }
}
