package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ProductionKeyCheck on configurations built like a service's: the application's own
 * application.properties (ordinal 250) with development keys under %dev./%test., and the
 * deployment's settings (environment variables, ordinal 300). Plain JUnit: the rules are
 * pure; services/tenant's ProductionKeysIT proves a packaged service stops on them.
 */
class ProductionKeyCheckTest {

    private static final String DEV_MASTER_KEY = "ZGV2LW9ubHktbWFzdGVyLWtleS1ub3QtYS1zZWNyZXQ=";
    private static final String DEV_PUBLIC_KEY_1 = "MCowBQYDK2VwAyEA/zj8qt8IqyvgD8/JAAv28DWMHwZ3SVlJlKjn5HXA23Y=";
    private static final String DEV_PUBLIC_KEY_2 = "MCowBQYDK2VwAyEABBzUj0ifQ7A7wMrFFOv6+GU420zgzH/L/lH3PGFt+Uc=";
    private static final String DEV_PRIVATE_KEY_2 = "MC4CAQAwBQYDK2VwBCIEIFG+oH1b2t74WNFjixVpKNpiXTrrUtEhQsGsbmVARmDX";

    /** A tenant-like application.properties: the master key only in %dev and %test. */
    private static final Map<String, String> TENANT_APPLICATION = Map.of(
            "quarkus.application.name", "tenant",
            "%dev.tenant.master-key-id", "dev-1",
            "%dev.tenant.master-keys.dev-1", DEV_MASTER_KEY,
            "%test.tenant.master-key-id", "dev-1",
            "%test.tenant.master-keys.dev-1", DEV_MASTER_KEY);

    /** An audit-like application.properties: a signing pair and a rotated-out public key, in %dev,test. */
    private static final Map<String, String> AUDIT_APPLICATION = Map.of(
            "quarkus.application.name", "audit",
            "%dev,test.audit.signing.active-key-id", "local-2",
            "%dev,test.audit.signing.keys.local-2.private-key", DEV_PRIVATE_KEY_2,
            "%dev,test.audit.signing.keys.local-2.public-key", DEV_PUBLIC_KEY_2,
            "%dev,test.audit.signing.keys.local-1.public-key", DEV_PUBLIC_KEY_1);

    private static KeySettings tenantKeys(String activeId, Set<String> ids) {
        return KeySettings.none().setting("tenant.master-key-id").setting("tenant.master-keys." + activeId)
                .keyed("tenant.master-keys", ids);
    }

    private static KeySettings auditKeys(Set<String> ids) {
        return KeySettings.none().setting("audit.signing.active-key-id")
                .keyed("audit.signing.keys", ids, "public-key", "private-key");
    }

    /** Proves: in prod, the repository's development master key and its id, passed by the deployment, are refused by name. */
    @Test
    void developmentMasterKeyIsRefusedInProd() {
        SmallRyeConfig config = config("prod", TENANT_APPLICATION, Map.of(
                "tenant.master-key-id", "dev-1",
                "tenant.master-keys.dev-1", DEV_MASTER_KEY));

        List<String> problems = ProductionKeyCheck.problems(config, tenantKeys("dev-1", Set.of("dev-1")));

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("tenant.master-key-id is a development value"))
                .anySatisfy(p -> assertThat(p).startsWith("tenant.master-keys.dev-1 is a development value"))
                .anySatisfy(p -> assertThat(p).startsWith("tenant.master-keys.dev-1: dev-1 is a development key id"));
        assertThat(ProductionKeyCheck.refusal(config, problems))
                .startsWith("the tenant service does not start in profile prod with development or missing keys:")
                .contains("tenant.master-key-id");
    }

    /**
     * Proves: a development value written as an expression (the fleet's %dev/%test client
     * secret and OPA token) is refused in prod in its resolved form, and a deployment's own
     * values pass.
     */
    @Test
    void developmentValuesWrittenAsExpressionsAreRefused() {
        Map<String, String> application = Map.of(
                "quarkus.application.name", "ledger",
                "%dev.quarkus.oidc-client.credentials.secret", "${quarkus.application.name}-dev-client-secret",
                "%test.aicunet.policy.bearer-token", "${NO_SUCH_VARIABLE_IN_TESTS:fleet-dev-opa-token}");
        KeySettings trust = KeySettings.none().setting("quarkus.oidc-client.credentials.secret")
                .setting("aicunet.policy.bearer-token");

        List<String> refused = ProductionKeyCheck.problems(config("prod", application, Map.of(
                "quarkus.oidc-client.credentials.secret", "ledger-dev-client-secret",
                "aicunet.policy.bearer-token", "fleet-dev-opa-token")), trust);
        List<String> accepted = ProductionKeyCheck.problems(config("prod", application, Map.of(
                "quarkus.oidc-client.credentials.secret", "s3cr3t-of-this-deployment",
                "aicunet.policy.bearer-token", "opa-token-of-this-deployment")), trust);

        assertThat(refused).anySatisfy(p -> assertThat(p)
                        .startsWith("quarkus.oidc-client.credentials.secret is a development value"))
                .anySatisfy(p -> assertThat(p).startsWith("aicunet.policy.bearer-token is a development value"));
        assertThat(accepted).isEmpty();
    }

    /**
     * Proves: the local stack's Redis passwords (fleet-dev-redis-<service>, written once for
     * every service in platform/limits' META-INF/microprofile-config.properties, ordinal 100)
     * are refused in prod in their resolved form, a missing password is named, and the
     * deployment's own passes: RedisPasswordSettings declares quarkus.redis.password.
     */
    @Test
    void developmentRedisPasswordIsRefusedInProd() {
        Map<String, String> limitsDefaults = Map.of(
                "%dev.quarkus.redis.password", "fleet-dev-redis-${quarkus.application.name}",
                "%test.quarkus.redis.password", "fleet-dev-redis-${quarkus.application.name}");
        Map<String, String> application = Map.of("quarkus.application.name", "ledger");
        KeySettings redis = new RedisPasswordSettings().redisPassword();

        List<String> development = ProductionKeyCheck.problems(config("prod", application, limitsDefaults,
                Map.of("quarkus.redis.password", "fleet-dev-redis-ledger")), redis);
        List<String> missing = ProductionKeyCheck.problems(config("prod", application, limitsDefaults, Map.of()),
                redis);
        List<String> deployment = ProductionKeyCheck.problems(config("prod", application, limitsDefaults,
                Map.of("quarkus.redis.password", "redis-password-of-this-deployment")), redis);

        assertThat(development).singleElement().satisfies(p -> assertThat(p)
                .startsWith("quarkus.redis.password is a development value"));
        assertThat(missing).containsExactly("quarkus.redis.password is not set; set it from a secret");
        assertThat(deployment).isEmpty();
    }

    /**
     * Proves: the local stack's Kafka credentials (the SCRAM login of fleet-dev-kafka-<service>,
     * written once for every service in platform/outbox's META-INF/microprofile-config.properties)
     * are refused in prod in their resolved form, missing credentials are named, and the
     * deployment's own pass: KafkaCredentialSettings declares kafka.sasl.jaas.config.
     */
    @Test
    void developmentKafkaCredentialsAreRefusedInProd() {
        String login = "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"${quarkus.application.name}\" password=\"fleet-dev-kafka-${quarkus.application.name}\";";
        Map<String, String> outboxDefaults = Map.of(
                "%dev.kafka.sasl.jaas.config", login,
                "%test.kafka.sasl.jaas.config", login);
        Map<String, String> application = Map.of("quarkus.application.name", "ledger");
        KeySettings kafka = new KafkaCredentialSettings().kafkaCredentials();

        List<String> development = ProductionKeyCheck.problems(config("prod", application, outboxDefaults,
                Map.of("kafka.sasl.jaas.config", login.replace("${quarkus.application.name}", "ledger"))), kafka);
        List<String> missing = ProductionKeyCheck.problems(config("prod", application, outboxDefaults, Map.of()),
                kafka);
        List<String> deployment = ProductionKeyCheck.problems(config("prod", application, outboxDefaults,
                Map.of("kafka.sasl.jaas.config", login.replace("${quarkus.application.name}", "ledger")
                        .replace("fleet-dev-kafka-ledger", "kafka-password-of-this-deployment"))), kafka);

        assertThat(development).singleElement().satisfies(p -> assertThat(p)
                .startsWith("kafka.sasl.jaas.config is a development value"));
        assertThat(missing).containsExactly("kafka.sasl.jaas.config is not set; set it from a secret");
        assertThat(deployment).isEmpty();
    }

    /** Proves: in prod, a missing key id and key are named as not set. */
    @Test
    void missingKeysAreNamed() {
        SmallRyeConfig config = config("prod", TENANT_APPLICATION, Map.of());

        assertThat(ProductionKeyCheck.problems(config, tenantKeys("k1", Set.of())))
                .containsExactly("tenant.master-key-id is not set; set it from a secret",
                        "tenant.master-keys.k1 is not set; set it from a secret");
    }

    /** Proves: a key written into the application's own application.properties (no profile) is a key in the repository. */
    @Test
    void keyInTheApplicationItselfIsRefused() {
        Map<String, String> application = new HashMap<>(TENANT_APPLICATION);
        application.put("tenant.master-keys.k9", "a2V5LWNvbW1pdHRlZC10by10aGUtcmVwb3NpdG9yeSE=");
        SmallRyeConfig config = config("prod", application, Map.of("tenant.master-key-id", "k9"));

        assertThat(ProductionKeyCheck.problems(config, tenantKeys("k9", Set.of("k9"))))
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("tenant.master-keys.k9 comes from PropertiesConfigSource[source=application.properties],"
                        + " inside the application"));
    }

    /** Proves: the deployment's own keys (from the environment, none a development value) pass, in prod and in any other profile but dev and test. */
    @Test
    void deploymentKeysPass() {
        Map<String, String> deployment = Map.of(
                "tenant.master-key-id", "k2",
                "tenant.master-keys.k1", "b2xkLWRlcGxveW1lbnQta2V5LW9mLTMyLWJ5dGVzISE=",
                "tenant.master-keys.k2", "bmV3LWRlcGxveW1lbnQta2V5LW9mLTMyLWJ5dGVzISE=");
        for (String profile : List.of("prod", "staging")) {
            assertThat(ProductionKeyCheck.problems(config(profile, TENANT_APPLICATION, deployment),
                    tenantKeys("k2", Set.of("k1", "k2")))).as(profile).isEmpty();
        }
    }

    /** Proves: in dev and test nothing is checked: the development keys are what those profiles are for. */
    @Test
    void devAndTestAreNotChecked() {
        for (String profile : List.of("dev", "test")) {
            assertThat(ProductionKeyCheck.problems(config(profile, TENANT_APPLICATION, Map.of()),
                    tenantKeys("dev-1", Set.of("dev-1")))).as(profile).isEmpty();
        }
    }

    /**
     * Proves: development public keys and ids are not trusted in prod: the rotated-out
     * development public key under a new id, the development ids local-1 and local-2, and
     * the development signing pair are each refused, while the deployment's own pair passes.
     */
    @Test
    void developmentSigningKeysAndIdsAreNotTrusted() {
        SmallRyeConfig config = config("prod", AUDIT_APPLICATION, Map.of(
                "audit.signing.active-key-id", "k3",
                "audit.signing.keys.k3.private-key", "deployment-private-key",
                "audit.signing.keys.k3.public-key", "deployment-public-key",
                "audit.signing.keys.old.public-key", DEV_PUBLIC_KEY_1,
                "audit.signing.keys.local-2.public-key", "deployment-public-key-2"));

        assertThat(ProductionKeyCheck.problems(config, auditKeys(Set.of("k3", "old", "local-2"))))
                .containsExactlyInAnyOrder(
                        "audit.signing.keys.local-2: local-2 is a development key id, not trusted outside the dev and"
                                + " test profiles; remove it",
                        "audit.signing.keys.old.public-key is a development value (what the dev and test profiles"
                                + " use); set this deployment's own from a secret");
        assertThat(ProductionKeyCheck.developmentValues(config, auditKeys(Set.of())))
                .contains("local-1", "local-2", DEV_PUBLIC_KEY_1, DEV_PUBLIC_KEY_2, DEV_PRIVATE_KEY_2);
    }

    /** Proves: only %dev., %test. and %dev,test. names are development names. */
    @Test
    void developmentNames() {
        assertThat(ProductionKeyCheck.developmentName("%dev.a.b")).contains("a.b");
        assertThat(ProductionKeyCheck.developmentName("%test.a.b")).contains("a.b");
        assertThat(ProductionKeyCheck.developmentName("%staging,test.a.b")).contains("a.b");
        assertThat(ProductionKeyCheck.developmentName("%prod.a.b")).isEmpty();
        assertThat(ProductionKeyCheck.developmentName("a.b")).isEmpty();
    }

    private static SmallRyeConfig config(String profile, Map<String, String> application,
                                         Map<String, String> moduleDefaults, Map<String, String> deployment) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(moduleDefaults, "microprofile-config.properties", 100))
                .withSources(new PropertiesConfigSource(application, "application.properties", 250))
                .withSources(new PropertiesConfigSource(deployment, "EnvConfigSource", 300))
                .build();
    }

    private static SmallRyeConfig config(String profile, Map<String, String> application,
                                         Map<String, String> deployment) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(application, "application.properties", 250))
                .withSources(new PropertiesConfigSource(deployment, "EnvConfigSource", 300))
                .build();
    }
}
