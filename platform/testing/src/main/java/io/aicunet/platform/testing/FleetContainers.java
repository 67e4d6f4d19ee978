package io.aicunet.platform.testing;

import io.aicunet.platform.testing.ContainerDefinition.FileCopy;
import io.aicunet.platform.testing.ContainerDefinition.Readiness;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * The local stack's infrastructure in containers (Testcontainers), for machines with a
 * container engine: PostgreSQL, Redis, Kafka, OPA, Keycloak and the S3 object store, each
 * configured as {@code ./fleet up} configures its process (platform/devstack/bin/*.sh), so
 * every test that runs against the local stack runs unchanged against these.
 * {@link FleetInfrastructure} decides which of the two a JVM uses.
 *
 * <h2>The same contract as the local stack</h2>
 * <ul>
 *   <li><b>Ports</b>: each server listens inside its container on its FLEET_* port, and that
 *       port is bound to the same port on the host's 127.0.0.1 (never a random port, never
 *       another interface). Random ports would not do: Kafka advertises its address and
 *       Keycloak names its issuer ({@code iss}) with the port, both fixed before the server
 *       starts; and FleetStack, every test and every service process a test starts read the
 *       FLEET_* ports (or their defaults), as the local stack's tools do. The price is the
 *       local stack's: one set per machine, and not beside a running local stack (auto mode
 *       then uses the local stack; explicit {@code containers} fails, naming the port).</li>
 *   <li><b>FLEET_HOME</b>: the CA, the certificates, the object store's keys and Keycloak's
 *       administrator password are made by the devstack's own tls.sh ({@code
 *       containers/prepare-fleet-home.sh}) into the same files, and copied into the
 *       containers; {@code kafka/admin.properties} is written as kafka.sh writes it.</li>
 *   <li><b>Users, grants, realm, policies</b>: from the devstack's resource files: Postgres runs
 *       create-service-databases.sh, the services' bootstrap SQL and the pgaudit setup of
 *       postgres.sh; Redis gets users.acl.template rendered as redis.sh renders it; Kafka gets
 *       server.properties rendered as kafka.sh renders it, the SCRAM credentials of the broker
 *       and fleet-admin at format time, then each service's credentials and acls.conf through
 *       {@link KafkaAcls}, as {@code ./fleet up} does; OPA serves platform/policy/src/main/rego
 *       with the same TLS and token flags; Keycloak imports aicunet-realm.json over HTTPS with
 *       the same hostname; s3proxy gets the same properties and the fleet-backups bucket.</li>
 * </ul>
 *
 * <h2>What is not mirrored</h2>
 * <ul>
 *   <li>Postgres: no WAL archive and no pgBackRest (backup.sh): backups, restores and their
 *       drills need the local stack ({@code -Dfleet.infra=local}). pgaudit is not in the
 *       official image: the container runs the image docker-compose.yml builds too, from the one
 *       Dockerfile both name ({@link #POSTGRES_DOCKERFILE}: {@code postgres:17.5-bookworm} with
 *       PGDG's {@code postgresql-17-pgaudit} and pgBackRest; built once per machine and cached by
 *       the engine; the build needs apt.postgresql.org). Its pg_hba is docker-compose's
 *       (pg_hba.compose.conf): TLS with a password from any address of the container's network,
 *       because connections arrive through the engine's port forwarding, not from 127.0.0.1; the
 *       host binding on 127.0.0.1 keeps the reach the same.</li>
 *   <li>Kafka: {@link KafkaOutage} stops the local stack's broker process; in containers it
 *       refuses with a message. The broker listens on every interface of its container
 *       (advertising 127.0.0.1 as the local stack does).</li>
 *   <li>Redis, OPA, Keycloak, s3proxy: they bind every interface of their container, for the
 *       same reason; OPA's {@code --watch} sees the copy made at start, so a changed policy
 *       takes a new container (the next run, or a reused container whose copied files changed).
 *       The containers keep their data only as long as they live (with reuse: across runs).</li>
 *   <li>The host still needs the tools the tests themselves run: {@code psql}
 *       ({@link TestDatabase}), {@code openssl} and bash (the certificates).</li>
 * </ul>
 * A container's key files are readable inside it by the server's user (mode 0644, or owned by
 * postgres with 0600): development keys, as under FLEET_HOME.
 */
public final class FleetContainers {

    // Pinned images. docker-compose.yml pins the same ones (FleetContainersTest compares);
    // Keycloak and s3proxy match the local stack's FLEET_KEYCLOAK_VERSION and
    // FLEET_OBJECT_STORE_VERSION, OPA its FLEET_OPA_VERSION, Kafka the root pom's kafka.version.
    public static final String POSTGRES_IMAGE = "postgres:17.5-bookworm";
    public static final String REDIS_IMAGE = "redis:7.4.2-bookworm";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    public static final String OPA_IMAGE = "openpolicyagent/opa:1.22.2-static";
    public static final String KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.5.6";
    public static final String OBJECT_STORE_IMAGE = "andrewgaul/s3proxy:4.1.0";

    /**
     * The Dockerfile of the fleet's Postgres image (relative to the repository root): the
     * official image with pgaudit, which the local stack loads (shared_preload_libraries) and
     * whose AUDIT lines its tests read, and pgBackRest. docker-compose.yml builds its postgres
     * from the same file under the same name ({@link #POSTGRES_BUILT_IMAGE}); its FROM line
     * must be {@link #POSTGRES_IMAGE}.
     */
    public static final String POSTGRES_DOCKERFILE = "platform/devstack/src/main/resources/postgres/Dockerfile";
    /** The name of the image {@link #POSTGRES_DOCKERFILE} builds (kept: later runs build from cache). */
    public static final String POSTGRES_BUILT_IMAGE = "aicunet/fleet-postgres:17.5-bookworm";

    /** The TLS servers of the local stack, each with its certificate under FLEET_HOME/tls. */
    public static final List<String> TLS_SERVERS = List.of("postgres", "redis", "kafka", "opa", "keycloak", "object-store");
    /** The Redis users redis.sh gives a password (fleet-dev-redis-&lt;user&gt;). */
    public static final List<String> REDIS_USERS = List.of("fleet-admin", "agent-state", "config", "tenant", "ledger", "audit");
    /** docker-compose.yml's KRaft cluster id: the storage is formatted once per container. */
    public static final String KAFKA_CLUSTER_ID = "4L6g3nShT-eMCtK--X86sw";
    /** The bucket object-store.sh creates. */
    public static final String OBJECT_STORE_BUCKET = "fleet-backups";

    private static final Logger LOG = Logger.getLogger(FleetContainers.class);
    private static final String TLS = "/fleet/tls";
    private static final long START_TIMEOUT_MINUTES = 15;
    private static final long SECURE_TIMEOUT_SECONDS = 60;
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");

    private static List<GenericContainer<?>> running;

    private FleetContainers() {
    }

    /**
     * What configures the containers: the checkout, FLEET_HOME, the FLEET_* ports and
     * development passwords (environment, with the local stack's defaults), the heaps, and
     * whether Testcontainers may reuse them.
     */
    public record Settings(Path repositoryRoot, Path fleetHome, int postgresPort, int redisPort, int kafkaPort,
                           int kafkaControllerPort, int opaPort, int keycloakPort, int keycloakManagementPort,
                           int objectStorePort, String postgresSuperuserPassword, String opaToken,
                           String kafkaBrokerPassword, String kafkaAdminPassword, String kafkaHeap,
                           String keycloakHeap, String objectStoreHeap, boolean reuse) {

        /** From the environment, as common.sh reads it; reuse as ~/.testcontainers.properties allows. */
        public static Settings fromEnvironment() {
            return new Settings(FleetStack.repositoryRoot(), FleetStack.fleetHome().toAbsolutePath(),
                    FleetStack.postgresPort(), FleetStack.redisPort(), FleetStack.kafkaPort(),
                    FleetStack.port("FLEET_KAFKA_CONTROLLER_PORT", 19093), FleetStack.opaPort(),
                    FleetStack.keycloakPort(), FleetStack.keycloakManagementPort(), FleetStack.objectStorePort(),
                    FleetStack.postgresSuperuserPassword(), FleetStack.opaToken(),
                    FleetStack.env("FLEET_KAFKA_BROKER_PASSWORD", "fleet-dev-kafka-broker"),
                    FleetStack.env("FLEET_KAFKA_ADMIN_PASSWORD", "fleet-dev-kafka-admin"),
                    FleetStack.env("FLEET_KAFKA_HEAP", "512m"), FleetStack.env("FLEET_KEYCLOAK_HEAP", "512m"),
                    FleetStack.env("FLEET_OBJECT_STORE_HEAP", "128m"),
                    TestcontainersConfiguration.getInstance().environmentSupportsReuse());
        }

        Path devstackResource(String path) {
            return repositoryRoot.resolve("platform/devstack/src/main/resources").resolve(path);
        }

        Path tls(String file) {
            return fleetHome.resolve("tls").resolve(file);
        }
    }

    /** The generated secrets under FLEET_HOME that the containers need (prepare-fleet-home.sh). */
    public record Secrets(String kafkaKeystorePassword, String objectStoreKeystorePassword, String objectStoreAccessKey,
                          String objectStoreSecretKey, String keycloakAdminPassword) {

        public static Secrets read(Path fleetHome) {
            return new Secrets(
                    readSecret(fleetHome.resolve("tls/kafka.p12.password")),
                    readSecret(fleetHome.resolve("tls/object-store.p12.password")),
                    readSecret(fleetHome.resolve("object-store/access-key")),
                    readSecret(fleetHome.resolve("object-store/secret-key")),
                    readSecret(fleetHome.resolve("keycloak/admin-password")));
        }
    }

    /** The six containers, in the local stack's start order. */
    public static List<ContainerDefinition> definitions(Settings settings, Secrets secrets) {
        return List.of(objectStore(settings, secrets), postgres(settings), redis(settings), kafka(settings, secrets),
                opa(settings), keycloak(settings, secrets));
    }

    /**
     * postgres.sh's server: its fleet.conf settings as {@code -c} options (TLS only, pgaudit
     * preloaded with the same pgaudit.* settings), the service databases and roles of
     * services.conf made by the devstack's create-service-databases.sh, then the bootstrap SQL and
     * the audit setup, by the same script docker-compose.yml runs (compose/postgres-bootstrap.sh).
     */
    static ContainerDefinition postgres(Settings settings) {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                // Postgres wants its key owned by the server's user and readable by it alone.
                "install -d -o postgres -g postgres -m 700 " + TLS + " && install -o postgres -g postgres -m 600 "
                        + "/fleet/tls-in/postgres.key " + TLS + "/postgres.key && install -m 644 /fleet/tls-in/postgres.crt "
                        + TLS + "/postgres.crt && exec docker-entrypoint.sh \"$@\"",
                "postgres-tls", "postgres"));
        for (String setting : postgresSettings(settings)) {
            command.add("-c");
            command.add(setting);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("POSTGRES_USER", "postgres");
        environment.put("POSTGRES_PASSWORD", settings.postgresSuperuserPassword());
        // As pg_init's initdb (its --auth is pg_hba's, given as hba_file here).
        environment.put("POSTGRES_INITDB_ARGS", "--encoding=UTF8 --locale=C.UTF-8");
        // The init scripts' psql and the image's temporary init server use this port too.
        environment.put("PGPORT", Integer.toString(settings.postgresPort()));
        environment.put("FLEET_SERVICES", String.join(" ", services(settings.repositoryRoot())));
        environment.put("FLEET_SERVICE_SQL", "/fleet/postgres/create-service-database.sql");
        List<FileCopy> files = new ArrayList<>(List.of(
                FileCopy.fromHost(settings.tls("postgres.crt"), "/fleet/tls-in/postgres.crt", 0644),
                FileCopy.fromHost(settings.tls("postgres.key"), "/fleet/tls-in/postgres.key", 0600),
                FileCopy.directory(settings.devstackResource("postgres"), "/fleet/postgres"),
                FileCopy.fromHost(settings.devstackResource("postgres/create-service-databases.sh"),
                        "/docker-entrypoint-initdb.d/10-create-service-databases.sh", 0755),
                FileCopy.fromHost(settings.devstackResource("compose/postgres-bootstrap.sh"),
                        "/docker-entrypoint-initdb.d/20-postgres-bootstrap.sh", 0755)));
        for (String service : services(settings.repositoryRoot())) {
            Path bootstrap = settings.repositoryRoot().resolve("services/" + service + "/src/main/resources/db/bootstrap");
            if (Files.isDirectory(bootstrap)) {
                files.add(FileCopy.directory(bootstrap, "/fleet/bootstrap/" + service));
            }
        }
        Path dockerfile = settings.repositoryRoot().resolve(POSTGRES_DOCKERFILE);
        String base = baseImage(dockerfile);
        if (!base.equals(POSTGRES_IMAGE)) {
            throw new IllegalStateException(dockerfile + " builds on " + base + ", FleetContainers.POSTGRES_IMAGE is "
                    + POSTGRES_IMAGE + ": change both together (and docker-compose.yml's image name)");
        }
        // The image's init server logs it once, the real server once more.
        return new ContainerDefinition("postgres", POSTGRES_IMAGE, dockerfile, POSTGRES_BUILT_IMAGE,
                List.of(settings.postgresPort()), environment, command, files,
                new Readiness.LogLine(".*database system is ready to accept connections.*\\s", 2),
                Duration.ofMinutes(3), settings.reuse());
    }

    /** The image a Dockerfile builds on: its one FROM line (a multi-stage file is refused). */
    static String baseImage(Path dockerfile) {
        List<String> from = readString(dockerfile).lines()
                .filter(line -> line.regionMatches(true, 0, "FROM ", 0, 5))
                .map(line -> line.substring(5).strip())
                .toList();
        if (from.size() != 1) {
            throw new IllegalStateException(dockerfile + " must have exactly one FROM line, not " + from);
        }
        return from.get(0);
    }

    /**
     * postgres.sh's fleet.conf as {@code name=value}: all of it but what places the server
     * on the host (listen_addresses: every interface of the container; unix_socket_directories:
     * the image's) and the WAL archive (not mirrored); the certificate paths are the container's.
     */
    static List<String> postgresSettings(Settings settings) {
        return List.of(
                "listen_addresses=*",
                "port=" + settings.postgresPort(),
                "max_connections=300",
                "fsync=on",
                "password_encryption=scram-sha-256",
                "timezone=UTC",
                "max_wal_size=4GB",
                "log_timezone=UTC",
                "ssl=on",
                "ssl_cert_file=" + TLS + "/postgres.crt",
                "ssl_key_file=" + TLS + "/postgres.key",
                "ssl_min_protocol_version=TLSv1.2",
                "hba_file=/fleet/postgres/pg_hba.compose.conf",
                "log_line_prefix=%m [%p] user=%u db=%d app=%a client=%h ",
                "log_connections=on",
                "log_disconnections=on",
                "shared_preload_libraries=pgaudit",
                "pgaudit.log=ddl, role",
                "pgaudit.log_catalog=off",
                "pgaudit.log_parameter=off",
                "pgaudit.log_relation=off",
                "pgaudit.log_statement_once=off",
                "pgaudit.log_level=log",
                "archive_mode=off");
    }

    /**
     * redis.sh's server: the shared redis.conf (persistence, TLS versions, no client
     * certificates), TLS only on the FLEET port (port 0), the ACL users of the rendered template.
     */
    static ContainerDefinition redis(Settings settings) {
        String port = Integer.toString(settings.redisPort());
        List<String> command = List.of("redis-server", "/fleet/redis/redis.conf",
                "--bind", "0.0.0.0", "--port", "0", "--tls-port", port, "--protected-mode", "yes",
                "--tls-cert-file", TLS + "/redis.crt", "--tls-key-file", TLS + "/redis.key",
                "--tls-ca-cert-file", TLS + "/ca.crt",
                "--dir", "/data", "--aclfile", "/fleet/redis/users.acl");
        List<FileCopy> files = List.of(
                FileCopy.fromHost(settings.devstackResource("redis/redis.conf"), "/fleet/redis/redis.conf", 0644),
                FileCopy.content(redisAcl(readString(settings.devstackResource("redis/users.acl.template"))),
                        "/fleet/redis/users.acl", 0644),
                FileCopy.fromHost(settings.tls("ca.crt"), TLS + "/ca.crt", 0644),
                FileCopy.fromHost(settings.tls("redis.crt"), TLS + "/redis.crt", 0644),
                FileCopy.fromHost(settings.tls("redis.key"), TLS + "/redis.key", 0644));
        return new ContainerDefinition("redis", REDIS_IMAGE, null, null, List.of(settings.redisPort()), Map.of(),
                command, files, new Readiness.LogLine(".*Ready to accept connections tls.*\\s", 1),
                Duration.ofMinutes(1), settings.reuse());
    }

    /**
     * redis.sh's redis_render_acl: comment and blank lines dropped, each %SHA256(user)% replaced
     * by the SHA-256 of fleet-dev-redis-&lt;user&gt;; a user left without a password is an error.
     */
    static String redisAcl(String template) {
        List<String> lines = template.lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .toList();
        String content = String.join("\n", lines);
        for (String user : REDIS_USERS) {
            content = content.replace("%SHA256(" + user + ")%", sha256Hex("fleet-dev-redis-" + user));
        }
        if (content.contains("%SHA256(")) {
            throw new IllegalStateException("users.acl.template names a user without a password: "
                    + content.substring(content.indexOf("%SHA256(")));
        }
        return content + "\n";
    }

    /**
     * kafka.sh's broker: the devstack's server.properties rendered as kafka_render_config does
     * (SASL_SSL on both listeners, SCRAM-SHA-512 for clients, the StandardAuthorizer denying
     * what no ACL allows), the storage formatted with the broker's and fleet-admin's SCRAM
     * credentials as kafka_format does, then the broker. The services' credentials and the
     * ACLs follow once it serves ({@link #secureKafka}).
     */
    static ContainerDefinition kafka(Settings settings, Secrets secrets) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KAFKA_HEAP_OPTS", "-Xms128m -Xmx" + settings.kafkaHeap());
        environment.put("FLEET_KAFKA_CLUSTER_ID", KAFKA_CLUSTER_ID);
        environment.put("FLEET_KAFKA_BROKER_PASSWORD", settings.kafkaBrokerPassword());
        environment.put("FLEET_KAFKA_ADMIN_PASSWORD", settings.kafkaAdminPassword());
        List<String> command = List.of("bash", "-c",
                "/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t \"$FLEET_KAFKA_CLUSTER_ID\""
                        + " -c /fleet/kafka/server.properties"
                        + " --add-scram \"SCRAM-SHA-512=[name=broker,password=$FLEET_KAFKA_BROKER_PASSWORD]\""
                        + " --add-scram \"SCRAM-SHA-512=[name=fleet-admin,password=$FLEET_KAFKA_ADMIN_PASSWORD]\""
                        + " && exec /opt/kafka/bin/kafka-server-start.sh /fleet/kafka/server.properties");
        List<FileCopy> files = List.of(
                FileCopy.content(kafkaServerProperties(readString(settings.devstackResource("kafka/server.properties")),
                        settings, secrets), "/fleet/kafka/server.properties", 0644),
                FileCopy.fromHost(settings.tls("ca.crt"), TLS + "/ca.crt", 0644),
                FileCopy.fromHost(settings.tls("kafka.p12"), TLS + "/kafka.p12", 0644));
        return new ContainerDefinition("kafka", KAFKA_IMAGE, null, null, List.of(settings.kafkaPort()), environment,
                command, files, new Readiness.LogLine(".*Kafka Server started.*\\s", 1), Duration.ofMinutes(3),
                settings.reuse());
    }

    /**
     * kafka.sh's kafka_render_config with the container's paths; the client listener binds
     * every interface of the container (the engine forwards the host's 127.0.0.1 port to it)
     * and, as on the local stack, advertises 127.0.0.1 and the FLEET port.
     */
    static String kafkaServerProperties(String template, Settings settings, Secrets secrets) {
        String rendered = template
                .replace("@KAFKA_PORT@", Integer.toString(settings.kafkaPort()))
                .replace("@KAFKA_CONTROLLER_PORT@", Integer.toString(settings.kafkaControllerPort()))
                .replace("@KAFKA_DATA_DIR@", "/tmp/kafka-data")
                .replace("@KAFKA_BROKER_PASSWORD@", settings.kafkaBrokerPassword())
                .replace("@KAFKA_KEYSTORE@", TLS + "/kafka.p12")
                .replace("@KAFKA_KEYSTORE_PASSWORD@", secrets.kafkaKeystorePassword())
                .replace("@KAFKA_CA@", TLS + "/ca.crt");
        Matcher left = PLACEHOLDER.matcher(rendered);
        if (left.find()) {
            throw new IllegalStateException("kafka/server.properties has a placeholder FleetContainers does not fill: "
                    + left.group());
        }
        String local = "listeners=CLIENT://127.0.0.1:" + settings.kafkaPort() + ",";
        if (!rendered.contains("\n" + local)) {
            throw new IllegalStateException("kafka/server.properties no longer starts its listeners with " + local
                    + " : FleetContainers must learn the new form");
        }
        return rendered.replace("\n" + local, "\nlisteners=CLIENT://0.0.0.0:" + settings.kafkaPort() + ",");
    }

    /**
     * opa.sh's server: HTTPS only (TLS 1.2+), the API closed by the system policy
     * (--authorization=basic) to all but /health and decision queries bearing the token
     * (--authentication=token, compared with AICUNET_OPA_TOKEN), policies without their tests.
     */
    static ContainerDefinition opa(Settings settings) {
        List<String> command = List.of("run", "--server", "--addr", "0.0.0.0:" + settings.opaPort(),
                "--log-level", "error",
                "--tls-cert-file", TLS + "/opa.crt", "--tls-private-key-file", TLS + "/opa.key",
                "--tls-cert-refresh-period", "1h", "--min-tls-version", "1.2",
                "--authentication=token", "--authorization=basic",
                "--watch", "--ignore", "*_test.rego", "/policies");
        List<FileCopy> files = List.of(
                FileCopy.directory(settings.repositoryRoot().resolve("platform/policy/src/main/rego"), "/policies"),
                FileCopy.fromHost(settings.tls("opa.crt"), TLS + "/opa.crt", 0644),
                FileCopy.fromHost(settings.tls("opa.key"), TLS + "/opa.key", 0644));
        return new ContainerDefinition("opa", OPA_IMAGE, null, null, List.of(settings.opaPort()),
                Map.of("AICUNET_OPA_TOKEN", settings.opaToken()), command, files,
                new Readiness.Https(settings.opaPort(), "/health", 200), Duration.ofMinutes(1), settings.reuse());
    }

    /**
     * keycloak.sh's server: HTTPS only with the CA's certificate, the issuer fixed by
     * --hostname to https://127.0.0.1:&lt;FLEET_KEYCLOAK_PORT&gt;, realm aicunet imported from
     * aicunet-realm.json, the build options of FLEET_KEYCLOAK_BUILD_OPTIONS given to start (no
     * pre-built distribution: the first start builds, about half a minute), the administrator's
     * password from FLEET_HOME.
     */
    static ContainerDefinition keycloak(Settings settings, Secrets secrets) {
        List<String> command = List.of("start", "--db=dev-file", "--health-enabled=true",
                "--http-enabled=false", "--https-port=" + settings.keycloakPort(),
                "--https-certificate-file=" + TLS + "/keycloak.crt",
                "--https-certificate-key-file=" + TLS + "/keycloak.key",
                "--http-management-port=" + settings.keycloakManagementPort(),
                "--hostname=https://127.0.0.1:" + settings.keycloakPort(), "--hostname-strict=false",
                "--cache=local", "--import-realm", "--log=console", "--log-console-color=false");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.keycloakAdminPassword());
        environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx" + settings.keycloakHeap());
        List<FileCopy> files = List.of(
                FileCopy.fromHost(settings.devstackResource("keycloak/aicunet-realm.json"),
                        "/opt/keycloak/data/import/aicunet-realm.json", 0644),
                FileCopy.fromHost(settings.tls("keycloak.crt"), TLS + "/keycloak.crt", 0644),
                FileCopy.fromHost(settings.tls("keycloak.key"), TLS + "/keycloak.key", 0644));
        return new ContainerDefinition("keycloak", KEYCLOAK_IMAGE, null, null,
                List.of(settings.keycloakPort(), settings.keycloakManagementPort()), environment, command, files,
                // keycloak_ready: the realm's discovery document answers.
                new Readiness.Https(settings.keycloakPort(), "/realms/aicunet/.well-known/openid-configuration", 200),
                Duration.ofMinutes(5), settings.reuse());
    }

    /**
     * object-store.sh's server: s3proxy over a filesystem backend, HTTPS only with the CA's
     * certificate (its PKCS#12 store), SigV2/V4 with FLEET_HOME's access key, the same heap
     * and GC, and the fleet-backups bucket.
     */
    static ContainerDefinition objectStore(Settings settings, Secrets secrets) {
        List<String> command = List.of("sh", "-c", "mkdir -p /data/" + OBJECT_STORE_BUCKET
                + " && exec java -Xms32m -Xmx" + settings.objectStoreHeap()
                + " -XX:+UseSerialGC -jar /opt/s3proxy/s3proxy --properties /fleet/object-store/s3proxy.conf");
        List<FileCopy> files = List.of(
                FileCopy.content(objectStoreProperties(settings, secrets), "/fleet/object-store/s3proxy.conf", 0600),
                FileCopy.fromHost(settings.tls("object-store.p12"), TLS + "/object-store.p12", 0644));
        return new ContainerDefinition("object-store", OBJECT_STORE_IMAGE, null, null,
                List.of(settings.objectStorePort()), Map.of(), command, files,
                new Readiness.Https(settings.objectStorePort(), "/healthz", 200), Duration.ofMinutes(1), settings.reuse());
    }

    /** object-store.sh's s3proxy.conf, with the container's paths and every interface bound. */
    static String objectStoreProperties(Settings settings, Secrets secrets) {
        return "s3proxy.secure-endpoint=https://0.0.0.0:" + settings.objectStorePort() + "\n"
                + "s3proxy.keystore-path=" + TLS + "/object-store.p12\n"
                + "s3proxy.keystore-password=" + secrets.objectStoreKeystorePassword() + "\n"
                + "s3proxy.authorization=aws-v2-or-v4\n"
                + "s3proxy.identity=" + secrets.objectStoreAccessKey() + "\n"
                + "s3proxy.credential=" + secrets.objectStoreSecretKey() + "\n"
                + "jclouds.provider=filesystem-nio2\n"
                + "jclouds.filesystem.basedir=/data\n";
    }

    /** kafka.sh's admin.properties: fleet-admin's client settings (KafkaTlsTest and developers read it). */
    static String kafkaAdminProperties(Settings settings) {
        return "bootstrap.servers=127.0.0.1:" + settings.kafkaPort() + "\n"
                + "security.protocol=SASL_SSL\n"
                + "ssl.truststore.type=PEM\n"
                + "ssl.truststore.location=" + settings.tls("ca.crt") + "\n"
                + "sasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleet-admin\""
                + " password=\"" + settings.kafkaAdminPassword() + "\";\n";
    }

    /** The services of platform/devstack/services.conf, in its order. */
    static List<String> services(Path repositoryRoot) {
        return readString(repositoryRoot.resolve("platform/devstack/services.conf")).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")[0])
                .toList();
    }

    /**
     * Whether a container engine answers. Without DOCKER_HOST, a docker.host or tc.host in
     * ~/.testcontainers.properties and any of the usual sockets, the answer is no without
     * asking Testcontainers (whose search logs an error per strategy); otherwise Testcontainers
     * decides, as it would when starting a container.
     */
    public static FleetInfrastructure.Engine probeEngine() {
        List<Path> sockets = candidateSockets();
        boolean configured = present(System.getenv("DOCKER_HOST"))
                || present(TestcontainersConfiguration.getInstance().getUserProperty("docker.host", null))
                || present(TestcontainersConfiguration.getInstance().getUserProperty("tc.host", null));
        if (!configured && sockets.stream().noneMatch(Files::exists)) {
            return new FleetInfrastructure.Engine(false, "no DOCKER_HOST, no docker.host or tc.host in"
                    + " ~/.testcontainers.properties, no engine socket at " + sockets);
        }
        try {
            DockerClientFactory factory = DockerClientFactory.instance();
            if (factory.isDockerAvailable()) {
                return new FleetInfrastructure.Engine(true, "Testcontainers reached "
                        + factory.getTransportConfig().getDockerHost() + ", API " + factory.getActiveApiVersion());
            }
            return new FleetInfrastructure.Engine(false, "Testcontainers found no working engine (see its log above)");
        } catch (RuntimeException e) {
            return new FleetInfrastructure.Engine(false, "Testcontainers could not reach the engine: " + e.getMessage());
        }
    }

    private static List<Path> candidateSockets() {
        String home = System.getProperty("user.home");
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker/run/docker.sock"), Path.of(home, ".docker/desktop/docker.sock"),
                Path.of(home, ".colima/default/docker.sock"), Path.of(home, ".rd/docker.sock")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (present(runtime)) {
            sockets.add(Path.of(runtime, "docker.sock"));
            sockets.add(Path.of(runtime, "podman/podman.sock"));
        }
        return sockets;
    }

    /** Whether this JVM started (or reused) the containers. */
    public static synchronized boolean running() {
        return running != null;
    }

    /**
     * Starts the containers once per JVM (later calls return at once): FLEET_HOME prepared,
     * all six started together, then Kafka's principals and ACLs. Without reuse Testcontainers
     * removes them when the JVM exits; with reuse they stay for the next run.
     */
    public static synchronized void ensureStarted() {
        if (running != null) {
            return;
        }
        long started = System.nanoTime();
        Settings settings = Settings.fromEnvironment();
        prepareFleetHome(settings);
        writeOwnerOnly(settings.fleetHome().resolve("kafka/admin.properties"), kafkaAdminProperties(settings));
        List<ContainerDefinition> definitions = definitions(settings, Secrets.read(settings.fleetHome()));
        if (!settings.reuse()) {
            refuseTakenPorts(definitions);
        }
        List<GenericContainer<?>> containers = startAll(definitions);
        secureKafka(settings);
        running = containers;
        LOG.infof("fleet containers: %s started in %d s (FLEET_HOME %s%s)",
                definitions.stream().map(ContainerDefinition::name).toList(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), settings.fleetHome(),
                settings.reuse() ? "; reuse enabled: they stay for the next run" : "");
    }

    private static void refuseTakenPorts(List<ContainerDefinition> definitions) {
        for (ContainerDefinition definition : definitions) {
            for (int port : definition.ports()) {
                if (FleetStack.listening(port)) {
                    throw new IllegalStateException("fleet containers: 127.0.0.1:" + port + " (" + definition.name()
                            + ") already answers, so its container cannot bind it: the local stack (./fleet status)"
                            + " or another run holds it. Stop it (./fleet down) or run against it: -D"
                            + FleetInfrastructure.PROPERTY + "=local");
                }
            }
        }
    }

    private static List<GenericContainer<?>> startAll(List<ContainerDefinition> definitions) {
        List<GenericContainer<?>> containers = definitions.stream()
                .<GenericContainer<?>>map(ContainerDefinition::toContainer).toList();
        // A thread each: starting is waiting (pulls, builds, readiness), and the common pool has
        // a single thread on a two-core machine.
        ExecutorService executor = Executors.newFixedThreadPool(containers.size(), runnable -> {
            Thread thread = new Thread(runnable, "fleet-container-start");
            thread.setDaemon(true);
            return thread;
        });
        List<CompletableFuture<Void>> starts = containers.stream()
                .map(container -> CompletableFuture.runAsync(container::start, executor)).toList();
        executor.shutdown();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            try {
                starts.get(i).get(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the fleet containers", e);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                failures.add(definitions.get(i).name() + ": " + cause + logTail(containers.get(i)));
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("fleet containers did not start (a port bound by something else, an image"
                    + " that cannot be pulled, a server that refused its configuration):\n" + String.join("\n", failures));
        }
        return containers;
    }

    private static String logTail(GenericContainer<?> container) {
        try {
            List<String> lines = container.getLogs().lines().toList();
            return "\n  last lines of its log:\n    "
                    + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * kafka_secure: each principal of acls.conf gets its SCRAM-SHA-512 credentials with its
     * development password (fleet-dev-kafka-&lt;principal&gt;), then the stack's bindings are the
     * file's (KafkaAcls.syncStack), as {@code ./fleet up} leaves them.
     */
    static void secureKafka(Settings settings) {
        List<KafkaAcls.Binding> bindings = KafkaAcls.read(settings.devstackResource("kafka/acls.conf"));
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String principal : KafkaAcls.principals(bindings)) {
            users.add(new UserScramCredentialUpsertion(principal,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "fleet-dev-kafka-" + principal));
        }
        try (Admin admin = Admin.create(FleetStack.kafkaAdminSettings())) {
            admin.alterUserScramCredentials(users).all().get(SECURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            KafkaAcls.Sync sync = KafkaAcls.syncStack(bindings, admin);
            LOG.debugf("fleet containers: kafka: %d service principals, %d ACL bindings", users.size(), sync.granted());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka's principals and ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("fleet containers: could not create Kafka's principals and ACLs", e);
        }
    }

    /** FLEET_HOME's CA, certificates and keys, by the devstack's tls.sh (containers/prepare-fleet-home.sh). */
    static void prepareFleetHome(Settings settings) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", resource("prepare-fleet-home.sh"))
                .directory(settings.repositoryRoot().toFile())
                .redirectErrorStream(true);
        builder.environment().put("FLEET_ROOT", settings.repositoryRoot().toString());
        builder.environment().put("FLEET_HOME", settings.fleetHome().toString());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("fleet containers: preparing FLEET_HOME " + settings.fleetHome()
                        + " (certificates with platform/devstack/bin/tls.sh) failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("fleet containers: cannot run bash to prepare FLEET_HOME", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing FLEET_HOME", e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String resource(String name) {
        try (InputStream in = FleetContainers.class.getResourceAsStream("containers/" + name)) {
            if (in == null) {
                throw new IllegalStateException("platform/testing lacks its resource containers/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource containers/" + name, e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String readSecret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (made by containers/prepare-fleet-home.sh)", e);
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
