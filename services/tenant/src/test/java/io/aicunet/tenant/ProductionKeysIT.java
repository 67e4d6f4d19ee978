package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged tenant service started as a process in the prod profile (what a
 * deployment runs), on a database of its own: with the repository's development master
 * key, or with none, it exits naming the setting; with a key of its own it starts. The
 * rules themselves are platform/privacy's ProductionKeyCheckTest; this proves a service
 * really stops on them. The other services with keys (config, audit) declare theirs the
 * same way (their *KeySettings).
 */
class ProductionKeysIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);

    private static TestDatabase database;
    private static Path objectStore;

    @BeforeAll
    static void createDatabase() throws IOException {
        database = TestDatabase.create("tenant");
        objectStore = Files.createTempDirectory("aicunet-objects-");
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.drop();
        }
    }

    /** Proves: in prod, the development master key and its id (as %dev gives them) stop the service, naming both settings. */
    @Test
    void developmentMasterKeyStopsTheService() throws IOException {
        Properties application = applicationProperties();
        Map<String, String> config = prod();
        config.put("tenant.master-key-id", application.getProperty("%dev.tenant.master-key-id"));
        config.put("tenant.master-keys.dev-1", application.getProperty("%dev.tenant.master-keys.dev-1"));

        ServiceProcess.Exit exit = ServiceProcess.runUntilExit("tenant", config, EXIT_TIMEOUT);

        assertThat(exit.code()).as(exit.log()).isNotZero();
        assertThat(exit.log())
                .contains("the tenant service does not start in profile prod," + ServiceTls.PROFILE
                        + " with development or missing keys")
                .contains("tenant.master-key-id is a development value")
                .contains("tenant.master-keys.dev-1 is a development value")
                .contains("dev-1 is a development key id")
                .contains("aicunet.policy.bearer-token is a development value")
                .contains("kafka.sasl.jaas.config is not set")
                .contains("quarkus.redis.password is a development value")
                .contains("mp.jwt.verify.issuer is a development value");
    }

    /** Proves: in prod, without a master key the service stops, naming the missing setting. */
    @Test
    void missingMasterKeyStopsTheService() {
        ServiceProcess.Exit exit = ServiceProcess.runUntilExit("tenant", prod(), EXIT_TIMEOUT);

        assertThat(exit.code()).as(exit.log()).isNotZero();
        assertThat(exit.log()).contains("tenant.master-key-id");
    }

    /** Proves: in prod, a master key of the deployment's own (from outside the application) lets the service start. */
    @Test
    void deploymentKeyStarts() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> config = prod();
        config.put("tenant.master-key-id", "k1");
        config.put("tenant.master-keys.k1", Base64.getEncoder().encodeToString(key));
        config.putAll(deploymentTrust());

        // Started, not ready: OPA refuses this deployment's own token (the stack's OPA knows only the
        // development one, which prod refuses), and a replica OPA has not answered takes no traffic
        // (platform/policy PolicyEngineReadiness). So this waits for the port, which Quarkus opens last.
        try (ServiceProcess started = ServiceProcess.startListening("tenant", config)) {
            assertThat(started.alive()).isTrue();
        }
    }

    /**
     * Trust settings as a deployment gives them: an issuer and keys location that are not
     * the local stack's literal values (the same Keycloak, reached as localhost), and
     * secrets of its own.
     */
    private static Map<String, String> deploymentTrust() {
        String issuer = "https://localhost:" + io.aicunet.platform.testing.FleetStack.keycloakPort() + "/realms/aicunet";
        // As the charts render it: the issuer as the client's server, the token endpoint as an absolute URL;
        // the identity provider's and OPA's private CA (the stack's, FleetStack.caSettings) trusted through
        // the TLS registry's configurations identity and policy (auth.tls, opa.tls).
        return Map.ofEntries(Map.entry("mp.jwt.verify.issuer", issuer),
                Map.entry("quarkus.oidc-client.tls.tls-configuration-name", "identity"),
                Map.entry("aicunet.policy.tls-configuration-name", "policy"),
                Map.entry("mp.jwt.verify.publickey.location", issuer + "/protocol/openid-connect/certs"),
                Map.entry("quarkus.oidc-client.auth-server-url", issuer),
                Map.entry("quarkus.oidc-client.token-path", issuer + "/protocol/openid-connect/token"),
                Map.entry("quarkus.oidc-client.credentials.secret", UUID.randomUUID().toString()),
                Map.entry("aicunet.policy.bearer-token", UUID.randomUUID().toString()),
                // Redis and Kafka credentials of its own (Redis and the broker refuse them; the service
                // starts all the same: neither is needed to start).
                Map.entry("quarkus.redis.password", UUID.randomUUID().toString()),
                Map.entry("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"tenant\" password=\"" + UUID.randomUUID() + "\";"));
    }

    /** The settings of a run against the local stack, in the profiles the charts run it in (prod, service TLS). */
    private static Map<String, String> prod() {
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database,
                "test-" + UUID.randomUUID().toString().substring(0, 8) + ".", objectStore));
        config.put("quarkus.profile", "prod," + ServiceTls.PROFILE);
        return config;
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = ProductionKeysIT.class.getClassLoader().getResourceAsStream("application.properties")) {
            assertThat(in).isNotNull();
            properties.load(in);
        }
        return properties;
    }
}
