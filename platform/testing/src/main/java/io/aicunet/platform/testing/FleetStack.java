package io.aicunet.platform.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local stack tests run against: real PostgreSQL, Redis, Kafka, OPA, the identity
 * provider and the S3 object store on
 * 127.0.0.1, on the ports {@code ./fleet} uses (the same FLEET_* variables, the same
 * defaults). {@link #ensureRunning()} starts whatever is missing with
 * {@code ./fleet up --infra}, or, where {@link FleetInfrastructure} chooses containers, starts
 * the same servers in containers ({@link FleetContainers}) on the same ports with the same
 * FLEET_HOME.
 */
public final class FleetStack {

    private static final String HOST = "127.0.0.1";
    private static final int CONNECT_TIMEOUT_MILLIS = 500;
    private static final long START_TIMEOUT_SECONDS = 180;

    private FleetStack() {
    }

    public static String host() {
        return HOST;
    }

    public static int postgresPort() {
        return port("FLEET_PG_PORT", 15432);
    }

    public static String postgresSuperuserPassword() {
        return env("FLEET_PG_SUPERUSER_PASSWORD", "fleet-dev");
    }

    /**
     * The local stack's CA certificate (PEM; platform/devstack/bin/tls.sh): what every
     * client of the stack's TLS servers (Postgres, Redis, Kafka, OPA, Keycloak, the object
     * store) verifies them with.
     */
    public static Path caCertificate() {
        return fleetHome().resolve("tls/ca.crt");
    }

    /**
     * The settings that make a service under test trust the stack's CA for each store it
     * verifies (every key a platform module's defaults read the CA from): its %test
     * defaults name ${FLEET_HOME}/tls/ca.crt, and a test run need not have FLEET_HOME set.
     */
    public static Map<String, String> caSettings() {
        String ca = caCertificate().toString();
        return Map.of(
                "aicunet.database.ca-certificate", ca,
                "aicunet.kafka.ca-certificate", ca,
                "aicunet.redis.ca-certificate", ca,
                "quarkus.tls.policy.trust-store.pem.certs", ca,
                "quarkus.tls.identity.trust-store.pem.certs", ca,
                "smallrye.jwt.client.tls.certificate.path", ca);
    }

    /**
     * The JDBC parameters of a connection that verifies the stack's Postgres: TLS, a
     * certificate from {@link #caCertificate()} and the name dialled in it (verify-full).
     * The server takes no plaintext TCP connection.
     */
    public static String postgresTlsParameters() {
        return "sslmode=verify-full&sslrootcert=" + caCertificate();
    }

    public static int redisPort() {
        return port("FLEET_REDIS_PORT", 16379);
    }

    public static int kafkaPort() {
        return port("FLEET_KAFKA_PORT", 19092);
    }

    public static String kafkaBootstrapServers() {
        return HOST + ":" + kafkaPort();
    }

    /**
     * A Kafka client's settings as the stack's administrator ({@code fleet-admin}, a super
     * user: it may write and read every topic): for test tooling that plays a producer or
     * inspects topics, never for a service under test.
     */
    public static Map<String, Object> kafkaAdminSettings() {
        return kafkaSettings("fleet-admin", env("FLEET_KAFKA_ADMIN_PASSWORD", "fleet-dev-kafka-admin"));
    }

    /**
     * A Kafka client's settings as {@code service}'s own principal, with its development
     * password (the %dev/%test one of platform/outbox): what that service may do, and no more
     * ({@link KafkaAcls}).
     */
    public static Map<String, Object> kafkaServiceSettings(String service) {
        return kafkaSettings(service, "fleet-dev-kafka-" + service);
    }

    /**
     * Settings of a client that authenticates as {@code user} with {@code password}
     * (SCRAM-SHA-512) over TLS, verifying the broker with the stack's CA and the name it
     * dialled (Kafka's default endpoint identification, https).
     */
    public static Map<String, Object> kafkaSettings(String user, String password) {
        return Map.of(
                "bootstrap.servers", kafkaBootstrapServers(),
                "security.protocol", "SASL_SSL",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", caCertificate().toString(),
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    /** The fleet's Kafka ACLs ({@link KafkaAcls}). */
    public static Path kafkaAclsFile() {
        return repositoryRoot().resolve("platform/devstack/src/main/resources/kafka/acls.conf");
    }

    /**
     * Grants the services the fleet's Kafka ACLs on the topics and groups of the test run
     * {@code topicPrefix} (once per JVM; removed when it exits), so that a service under test
     * runs with exactly the rights it has on the stack.
     */
    public static void grantKafkaRun(String topicPrefix) {
        KafkaAcls.grantRun(kafkaAclsFile(), topicPrefix, kafkaAdminSettings());
    }

    /**
     * A new test run's topic prefix ({@code test-} and eight hex digits, then a dot), its
     * grants applied ({@link #grantKafkaRun}), on the running stack.
     */
    public static String grantNewKafkaRun() {
        ensureRunning();
        String run = "test-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".";
        grantKafkaRun(run);
        return run;
    }

    public static int opaPort() {
        return port("FLEET_OPA_PORT", 18181);
    }

    /** The local stack's OPA: HTTPS only, a certificate from {@link #caCertificate()}. */
    public static String opaUrl() {
        return "https://" + HOST + ":" + opaPort();
    }

    /** The OPA API's bearer token on the local stack (a development value). */
    public static String opaToken() {
        return env("FLEET_OPA_TOKEN", "fleet-dev-opa-token");
    }

    /** The S3-compatible object store's HTTPS port (s3proxy; {@link StackObjectStore}). */
    public static int objectStorePort() {
        return port("FLEET_OBJECT_STORE_PORT", 19000);
    }

    public static int keycloakPort() {
        return port("FLEET_KEYCLOAK_PORT", 18180);
    }

    /** Keycloak's management interface (health, metrics), HTTPS like the rest of it. */
    public static int keycloakManagementPort() {
        return port("FLEET_KEYCLOAK_MANAGEMENT_PORT", 18190);
    }

    /**
     * The local identity provider's realm URL: the issuer of every token the services accept
     * here (HTTPS only, a certificate from {@link #caCertificate()}).
     */
    public static String issuer() {
        return "https://" + HOST + ":" + keycloakPort() + "/realms/aicunet";
    }

    /**
     * What a service needs to reach the local identity provider: the issuer and its keys
     * to verify callers, and where its own account gets tokens (the development client
     * secret is the tenancy module's %dev/%test default).
     */
    public static java.util.Map<String, String> identitySettings() {
        return java.util.Map.of(
                "mp.jwt.verify.issuer", issuer(),
                "mp.jwt.verify.publickey.location", issuer() + "/protocol/openid-connect/certs",
                "quarkus.oidc-client.auth-server-url", issuer(),
                "aicunet.policy.bearer-token", opaToken());
    }

    /**
     * Starts the infrastructure unless all of it already answers: the local stack's
     * ({@code ./fleet up --infra}), or containers where {@link FleetInfrastructure#current()}
     * chose them (once per JVM; {@link FleetContainers#ensureStarted()}).
     */
    public static synchronized void ensureRunning() {
        if (FleetInfrastructure.current().kind() == FleetInfrastructure.Kind.CONTAINERS) {
            FleetContainers.ensureStarted();
            return;
        }
        if (allListening()) {
            return;
        }
        Path fleet = repositoryRoot().resolve("fleet");
        try {
            ProcessBuilder up = new ProcessBuilder(fleet.toString(), "up", "--infra")
                    .directory(repositoryRoot().toFile())
                    .inheritIO();
            // As ./fleet test does: a scheduled backup must not land inside a test's count of backups.
            up.environment().put("FLEET_BACKUP_SCHEDULE", "off");
            Process process = up.start();
            if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("./fleet up --infra did not finish in " + START_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0 || !allListening()) {
                throw new IllegalStateException("./fleet up --infra failed (exit " + process.exitValue()
                        + "); see .fleet/logs");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + fleet, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the local stack", e);
        }
    }

    /** Where ./fleet keeps data, logs and tools: FLEET_HOME, by default {@code .fleet} in the checkout. */
    public static Path fleetHome() {
        String home = System.getenv("FLEET_HOME");
        return home == null || home.isBlank() ? repositoryRoot().resolve(".fleet") : Path.of(home);
    }

    /** The checkout this code runs from: the nearest parent holding the {@code fleet} script. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("fleet")) && Files.isDirectory(dir.resolve("platform"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no fleet checkout above " + Path.of("").toAbsolutePath());
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether none, some or all of the infrastructure's ports answer now. */
    static FleetInfrastructure.Ports portsAnswering() {
        int[] ports = {postgresPort(), redisPort(), kafkaPort(), opaPort(), keycloakPort(), objectStorePort()};
        int answering = 0;
        for (int port : ports) {
            if (listening(port)) {
                answering++;
            }
        }
        return answering == 0 ? FleetInfrastructure.Ports.NONE_ANSWER
                : answering == ports.length ? FleetInfrastructure.Ports.ALL_ANSWER
                : FleetInfrastructure.Ports.SOME_ANSWER;
    }

    private static boolean allListening() {
        return listening(postgresPort()) && listening(redisPort()) && listening(kafkaPort()) && listening(opaPort())
                && listening(keycloakPort()) && listening(objectStorePort());
    }

    static int port(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
