package io.aicunet.config.adapter.redis;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aicunet.config.ConfigTestBase;
import io.aicunet.config.JsonText;
import io.aicunet.config.StackAdmin;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.platform.tenancy.TenantId;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The latest effective values are cached in Redis under the tenant's hash tag and invalidated on change. */
@QuarkusTest
class EffectiveCacheTest extends ConfigTestBase {

    /** As the stack's Redis administrator: config's own user may not run the commands this test inspects with. */
    @Inject
    @StackAdmin
    RedisDataSource redis;

    /**
     * Proves: reading a tenant's effective configuration caches its layers in Redis
     * under t:{tenant}:config:effective; the next read is answered from that cache (a
     * value planted there is what the service returns); a change at the tenant's scope
     * deletes the tenant's cache at once, and the next read has the new value.
     */
    @Test
    void readsAreCachedPerTenantAndAChangeInvalidatesThem() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        String key = cacheKey(tenant);
        assertThat(key).isEqualTo("t:{" + tenant + "}:config:effective");

        assertThat(model(tenant, namespace)).isEqualTo("\"large\"");
        Map<String, String> cached = redis.hash(String.class).hgetall(key);
        assertThat(cached).hasSize(1);
        String field = cached.keySet().iterator().next();
        assertThat(JsonText.parse(cached.get(field)).get("e").get(0).get("j").asText()).isEqualTo("\"large\"");

        // Plant a different value under the same revision: a read from the cache returns it.
        plant(key, field, "\"from-redis\"");
        assertThat(model(tenant, namespace)).isEqualTo("\"from-redis\"");

        put(namespace, "model", tenantScope(tenant), "\"xl\"");
        assertThat(redis.key().exists(key)).as("the change dropped the tenant's cache").isFalse();
        assertThat(model(tenant, namespace)).isEqualTo("\"xl\"");
        assertThat(redis.key().exists(key)).isTrue();
    }

    /**
     * Proves: a layer read from the cache keeps its update time to the nanosecond (the
     * time is cached as numbers, not parsed from text on every read): the layers of a read
     * answered from the cache (a planted value shows it was) carry the times PostgreSQL
     * gave. And layers an older replica cached, with the time as ISO-8601 text, are a
     * miss: the read answers from PostgreSQL, not the planted value, and caches the
     * layers again in the current form.
     */
    @Test
    void cachedLayersKeepTheirUpdateTimesAndAnOlderFormIsAMiss() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        String key = cacheKey(tenant);
        GetEffectiveConfigRequest withLayers = GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                .addNamespaces(namespace).setIncludeLayers(true).build();
        Entry fromDatabase = admin().getEffectiveConfig(withLayers).getLayers(0);
        String field = redis.hash(String.class).hgetall(key).keySet().iterator().next();

        ObjectNode planted = plant(key, field, "\"from-redis\"");
        Entry fromCache = admin().getEffectiveConfig(withLayers).getLayers(0);
        assertThat(fromCache.getValue().getJson()).as("answered from the cache").isEqualTo("\"from-redis\"");
        assertThat(fromCache.getUpdatedAt()).isEqualTo(fromDatabase.getUpdatedAt());
        assertThat(fromCache.getRevision()).isEqualTo(fromDatabase.getRevision());

        ObjectNode older = (ObjectNode) planted.withArray("e").get(0);
        older.remove(java.util.List.of("as", "an"));
        older.put("at", java.time.Instant.ofEpochSecond(fromDatabase.getUpdatedAt().getSeconds(),
                fromDatabase.getUpdatedAt().getNanos()).toString());
        redis.hash(String.class).hset(key, field, planted.toString());
        assertThat(model(tenant, namespace)).as("read from PostgreSQL").isEqualTo("\"large\"");
        assertThat(JsonText.parse(redis.hash(String.class).hget(key, field)).get("e").get(0).has("as"))
                .as("cached again in the current form").isTrue();
    }

    /**
     * Proves: a platform-level change (global scope), which no single tenant's cache key
     * names, still makes every tenant's cached answer stale: the next read of a tenant
     * whose cache holds the old value returns the new one.
     */
    @Test
    void aGlobalChangeMakesEveryTenantsCacheStale() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        assertThat(model(tenant, namespace)).isEqualTo("\"small\"");
        String key = cacheKey(tenant);
        assertThat(redis.key().exists(key)).isTrue();

        put(namespace, "model", globalScope(), "\"medium\"");
        assertThat(redis.key().exists(key)).as("the tenant's hash is still there").isTrue();
        assertThat(model(tenant, namespace)).isEqualTo("\"medium\"");
    }

    private static String cacheKey(String tenant) {
        return RedisEffectiveCache.hashKey(Optional.of(new TenantId(java.util.UUID.fromString(tenant))));
    }

    /** Replaces the first cached entry's value in the cached layers at (key, field); the layers as planted. */
    private ObjectNode plant(String key, String field, String json) {
        ObjectNode layers = (ObjectNode) JsonText.parse(redis.hash(String.class).hget(key, field));
        ((ObjectNode) layers.withArray("e").get(0)).put("j", json);
        redis.hash(String.class).hset(key, field, layers.toString());
        return layers;
    }

    private String model(String tenant, String namespace) {
        return admin().getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                        .addNamespaces(namespace).build()).getValuesList().stream()
                .filter(v -> v.getKey().equals("model")).map(v -> v.getValue().getJson()).findFirst().orElseThrow();
    }
}
