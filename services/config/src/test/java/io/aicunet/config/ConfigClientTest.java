package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.config.client.ConfigChange;
import io.aicunet.config.client.ConfigClient;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.platform.testing.LoopbackProxy;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestTokens;
import io.grpc.ManagedChannel;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Java client (clients/config-client) against this service: current through the watch, resilient without it. */
@QuarkusTest
class ConfigClientTest extends ConfigTestBase {

    /**
     * Proves: the client loads the effective configuration of its tenant and service,
     * then follows every change through the watch (a tenant override, its deletion
     * revealing the global value again), telling its listener once per change in order.
     */
    @Test
    void fetchesAndKeepsCurrent() {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        ManagedChannel channel = TestCallers.channel(service.getPort());
        List<ConfigChange> seen = new CopyOnWriteArrayList<>();
        try (ConfigClient config = client(channel, tenant, namespace)) {
            config.addListener(seen::add);
            assertThat(config.start()).isTrue();
            assertThat(config.json(namespace, "model")).contains("\"small\"");
            assertThat(config.value(namespace, "model").orElseThrow().scopeKind()).isEqualTo("global");

            long override = put(namespace, "model", tenantScope(tenant), "\"large\"").getEntry().getRevision();
            await().atMost(Duration.ofSeconds(10)).until(() -> config.json(namespace, "model")
                    .equals(java.util.Optional.of("\"large\"")));
            assertThat(config.value(namespace, "model").orElseThrow().scopeKind()).isEqualTo("tenant");
            assertThat(config.connected()).isTrue();

            long deletion = admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("model")
                    .setScope(tenantScope(tenant)).setReason("back to default").build()).getRevision();
            await().atMost(Duration.ofSeconds(10)).until(() -> config.revision() >= deletion);
            assertThat(config.json(namespace, "model")).contains("\"small\"");
            assertThat(seen).extracting(ConfigChange::revision).containsExactly(override, deletion);
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Proves: when the service becomes unreachable (the connection is cut and refused
     * by a proxy), the client keeps serving the last known values and says it is not
     * connected; when the service is back it resumes after its last revision: it gets
     * the changes made meanwhile, each exactly once, in order.
     */
    @Test
    void fallsBackToLastKnownValuesAndResumesWithoutMissingAChange() throws Exception {
        String namespace = newNamespace();
        String tenant = aTenant();
        put(namespace, "model", globalScope(), "\"small\"");
        try (LoopbackProxy proxy = new LoopbackProxy(service.getPort())) {
            ManagedChannel channel = TestCallers.channel(proxy.port());
            List<ConfigChange> seen = new CopyOnWriteArrayList<>();
            try (ConfigClient config = client(channel, tenant, namespace)) {
                config.addListener(seen::add);
                assertThat(config.start()).isTrue();
                long first = put(namespace, "model", globalScope(), "\"medium\"").getEntry().getRevision();
                await().atMost(Duration.ofSeconds(10)).until(() -> config.revision() >= first && config.connected());

                proxy.cut();
                await().atMost(Duration.ofSeconds(10)).until(() -> !config.connected());
                long whileAway = put(namespace, "model", tenantScope(tenant), "\"large\"").getEntry().getRevision();
                long alsoAway = put(namespace, "retries", globalScope(), "3").getEntry().getRevision();
                assertThat(config.json(namespace, "model")).as("last known value while down").contains("\"medium\"");

                proxy.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> config.revision() >= alsoAway && config.connected());
                assertThat(config.json(namespace, "model")).contains("\"large\"");
                assertThat(config.json(namespace, "retries")).contains("3");
                assertThat(seen).extracting(ConfigChange::revision).containsExactly(first, whileAway, alsoAway);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static ConfigClient client(ManagedChannel channel, String tenant, String namespace) {
        return ConfigClient.builder(channel)
                .caller("platform", () -> TestTokens.service("agent-state"))
                .tenant(tenant)
                .service("agent-state")
                .namespaces(List.of(namespace))
                .callTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }
}
