package io.aicunet.agentstate.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The service's own Redis client (Quarkus 3.34's, configured by platform/limits' defaults
 * through the TLS registry, docs/tls.md "Redis") checks the name it dialled in the server's
 * certificate: the stack's real Redis, reached at 127.0.0.2 through a TCP proxy (bytes
 * only, the server's own TLS), is refused, because its certificate names only 127.0.0.1
 * and localhost. Trusting the right CA is not enough. Every other test of this service
 * shows the other half: the same client with the same settings, dialling 127.0.0.1, works.
 */
@QuarkusTest
@TestProfile(RedisTlsTest.MisnamedRedisProfile.class)
class RedisTlsTest {

    static final String OTHER_ADDRESS = "127.0.0.2";

    @Inject
    Redis redis;

    @Inject
    TlsConfigurationRegistry registry;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String hosts;

    @ConfigProperty(name = "quarkus.redis.tls-configuration-name")
    String tlsConfigurationName;

    /** Proves: the service's Redis client refuses a server whose certificate does not name the host dialled. */
    @Test
    void serviceRefusesARedisCertificateForAnotherName() {
        assertThat(hosts).startsWith("rediss://" + OTHER_ADDRESS + ":");
        assertThat(tlsConfigurationName).isEqualTo("redis");
        TlsConfiguration tls = registry.get("redis").orElseThrow();
        assertThat(tls.getHostnameVerificationAlgorithm()).contains("HTTPS");
        assertThat(tls.getTrustStoreOptions()).as("the registry's trust store: the stack's CA").isNotNull();

        assertThatThrownBy(() -> redis.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(20)))
                .hasStackTraceContaining("No subject alternative names matching IP address " + OTHER_ADDRESS);
        assertThat(MisnamedRedisResource.proxy.connections()).as("the client reached the server through the proxy")
                .isPositive();
    }

    /** The application on the local stack, with its Redis URL naming 127.0.0.2 (a proxy to the stack's Redis). */
    public static class MisnamedRedisProfile implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MisnamedRedisResource.class,
                    Map.of("service", "agent-state", "tenantService", "true")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** {@link FleetTestResource}, but Redis reached as 127.0.0.2. */
    public static class MisnamedRedisResource extends FleetTestResource {

        static volatile CuttableProxy proxy;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            proxy = new CuttableProxy(OTHER_ADDRESS, FleetStack.redisPort());
            config.put("quarkus.redis.hosts", "rediss://" + OTHER_ADDRESS + ":" + proxy.port() + "?user=agent-state");
            return config;
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
            super.stop();
        }
    }
}
