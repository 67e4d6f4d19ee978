package io.aicunet.config.adapter.redis;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.config.ConfigTestBase;
import io.aicunet.config.WatchRecorder;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.RedisCatalogue;
import io.aicunet.platform.testing.RedisCatalogue.ObservedKey;
import io.aicunet.platform.testing.TestCallers;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The keys and channels config really uses are the ones docs/redis.md catalogues, with
 * their types and TTLs (platform/testing's RedisCatalogue; scope: the keys naming this
 * test's tenants, config's platform-level keys, and the active channels of config).
 */
@QuarkusTest
class RedisCatalogueTest extends ConfigTestBase {

    /**
     * Proves: after a tenant's and a platform-level effective configuration were read
     * (and so cached) through the gRPC API, with a watch stream of the tenant open and the
     * service subscribed to its revision announcements, every key naming the tenant and
     * every {@code t:{platform}:config:} key matches exactly one catalogued pattern with
     * its type and a TTL no longer than catalogued, every active config channel is
     * catalogued, and every pattern docs/redis.md gives config was seen.
     */
    @Test
    void everyKeyAndChannelConfigUsesIsCataloguedWithItsTtl() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        put(namespace, "model", tenantScope(tenant), "\"large\"");
        assertThat(admin().getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenant)
                .addNamespaces(namespace).build()).getValuesList()).hasSize(1);
        assertThat(admin().getEffectiveConfig(GetEffectiveConfigRequest.newBuilder()
                .addNamespaces(namespace).build()).getValuesList()).hasSize(1);

        RedisCatalogue catalogue = RedisCatalogue.fleet();
        List<ObservedKey> keys = new ArrayList<>();
        List<String> channels;
        // A watch stream open for the tenant, as the tenant's own caller.
        try (WatchRecorder watch = client.watch(TestCallers.ofTenant(tenant, "tenant-viewer"),
                WatchRequest.newBuilder().setAfterRevision(head()).setTenantId(tenant).build()).awaitLive()) {
            assertThat(watch.responses()).as("the watch is live").isNotEmpty();
            keys.addAll(catalogue.assertKeysCatalogued("*" + tenant + "*"));
            keys.addAll(catalogue.assertKeysCatalogued("t:{platform}:config:*"));
            // The service subscribes when it starts; wait for the subscription, bounded.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !RedisCatalogue.activeChannels("*config*").isEmpty());
            channels = catalogue.assertChannelsCatalogued("*config*");
        }

        catalogue.assertEveryPatternSeen("config", keys, channels);
        assertThat(keys).extracting(ObservedKey::name)
                .contains("t:{" + tenant + "}:config:effective", "t:{platform}:config:effective");
        assertThat(channels).contains("t:{platform}:config:revisions");
    }
}
