package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.ContainerDefinition.FileCopy;
import io.aicunet.platform.testing.ContainerDefinition.Readiness;
import io.aicunet.platform.testing.FleetContainers.Secrets;
import io.aicunet.platform.testing.FleetContainers.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Proves the containers give the tests the local stack's contract without starting any (no
 * engine runs here): pinned images equal docker-compose.yml's and the devstack's versions; each
 * server listens on its FLEET_* port, bound to the same port on 127.0.0.1; readiness is checked
 * the way ./fleet checks it; commands, environment and copied files carry the local stack's
 * configuration (Postgres TLS and pgaudit, Redis TLS and ACL users, Kafka SASL_SSL with SCRAM
 * and ACLs, OPA TLS and token authentication, Keycloak HTTPS and the realm import, s3proxy
 * HTTPS with FLEET_HOME's keys); and FLEET_HOME is laid out by the devstack's tls.sh.
 */
class FleetContainersTest {

    private static final Path REPOSITORY = FleetStack.repositoryRoot();

    @TempDir
    Path fleetHome;

    /** Ports unlike the defaults, so that each binding provably follows the settings. */
    private Settings settings(boolean reuse) {
        return new Settings(REPOSITORY, fleetHome, 25432, 26379, 29092, 29093, 28181, 28180, 28190, 29000,
                "pg-superuser-secret", "opa-token-secret", "broker-secret", "admin-secret", "640m", "700m", "96m", reuse);
    }

    private static Secrets secrets() {
        return new Secrets("kafka-keystore-secret", "store-keystore-secret", "ACCESSKEY", "SECRETKEY", "keycloak-admin-secret");
    }

    private Map<String, ContainerDefinition> definitions(boolean reuse) {
        return FleetContainers.definitions(settings(reuse), secrets()).stream()
                .collect(Collectors.toMap(ContainerDefinition::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void sixContainersEachOnItsFleetPortBoundToTheSamePortOnLoopback() {
        Map<String, ContainerDefinition> definitions = definitions(false);

        assertThat(definitions.keySet()).containsExactly("object-store", "postgres", "redis", "kafka", "opa", "keycloak");
        assertThat(definitions.get("postgres").ports()).containsExactly(25432);
        assertThat(definitions.get("redis").ports()).containsExactly(26379);
        assertThat(definitions.get("kafka").ports()).containsExactly(29092);
        assertThat(definitions.get("opa").ports()).containsExactly(28181);
        assertThat(definitions.get("keycloak").ports()).containsExactly(28180, 28190);
        assertThat(definitions.get("object-store").ports()).containsExactly(29000);
        assertThat(definitions.get("keycloak").portBindings())
                .containsExactly("127.0.0.1:28180:28180", "127.0.0.1:28190:28190");
        for (ContainerDefinition definition : definitions.values()) {
            assertThat(definition.portBindings()).as(definition.name())
                    .isEqualTo(definition.ports().stream().map(port -> "127.0.0.1:" + port + ":" + port).toList());
        }
    }

    @Test
    void theEnvironmentsSettingsAreFleetStacksPorts() {
        Settings fromEnvironment = Settings.fromEnvironment();

        assertThat(fromEnvironment.postgresPort()).isEqualTo(FleetStack.postgresPort());
        assertThat(fromEnvironment.redisPort()).isEqualTo(FleetStack.redisPort());
        assertThat(fromEnvironment.kafkaPort()).isEqualTo(FleetStack.kafkaPort());
        assertThat(fromEnvironment.opaPort()).isEqualTo(FleetStack.opaPort());
        assertThat(fromEnvironment.keycloakPort()).isEqualTo(FleetStack.keycloakPort());
        assertThat(fromEnvironment.keycloakManagementPort()).isEqualTo(FleetStack.keycloakManagementPort());
        assertThat(fromEnvironment.objectStorePort()).isEqualTo(FleetStack.objectStorePort());
        assertThat(fromEnvironment.fleetHome()).isEqualTo(FleetStack.fleetHome().toAbsolutePath());
        assertThat(fromEnvironment.opaToken()).isEqualTo(FleetStack.opaToken());
        assertThat(fromEnvironment.postgresSuperuserPassword()).isEqualTo(FleetStack.postgresSuperuserPassword());
    }

    /**
     * Each container runs the image compose's service of the same name runs (or any compose
     * service of the same image repository): the same pinned tag; for a built image (Postgres),
     * the same name, built from the same Dockerfile.
     */
    @Test
    void imagesArePinnedAndEqualDockerComposes() throws IOException {
        // Relative to this module, as Surefire runs it.
        Path composeFile = Path.of("../../docker-compose.yml");
        Map<String, String> compose = composeImages(composeFile);
        Map<String, Path> builds = composeDockerfiles(composeFile);
        int compared = 0;
        for (ContainerDefinition definition : definitions(false).values()) {
            assertThat(definition.image()).as(definition.name()).matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
                    .doesNotEndWith(":latest");
            String runs = definition.dockerfile() == null ? definition.image() : definition.builtImage();
            String repository = repository(runs);
            for (Map.Entry<String, String> service : compose.entrySet()) {
                if (service.getKey().equals(definition.name()) || repository(service.getValue()).equals(repository)) {
                    assertThat(runs).as("compose service %s against the %s container",
                            service.getKey(), definition.name()).isEqualTo(service.getValue());
                    if (definition.dockerfile() != null) {
                        assertThat(builds.get(service.getKey())).as("the Dockerfile compose's %s is built from", service.getKey())
                                .isEqualTo(definition.dockerfile().toRealPath());
                    }
                    compared++;
                }
            }
        }
        assertThat(compose).containsKeys("postgres", "redis", "kafka", "opa", "keycloak", "object-store");
        assertThat(builds).containsKey("postgres");
        assertThat(compared).isGreaterThanOrEqualTo(6);
    }

    @Test
    void imagesMatchTheLocalStacksPinnedVersions() throws IOException {
        String keycloak = scriptVersion("keycloak.sh", "FLEET_KEYCLOAK_VERSION");
        String objectStore = scriptVersion("object-store.sh", "FLEET_OBJECT_STORE_VERSION");
        String opa = scriptVersion("opa.sh", "FLEET_OPA_VERSION");
        Matcher kafka = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                .matcher(Files.readString(REPOSITORY.resolve("pom.xml")));
        assertThat(kafka.find()).isTrue();

        assertThat(FleetContainers.KEYCLOAK_IMAGE).isEqualTo("quay.io/keycloak/keycloak:" + keycloak);
        assertThat(FleetContainers.OBJECT_STORE_IMAGE).isEqualTo("andrewgaul/s3proxy:" + objectStore);
        assertThat(FleetContainers.OPA_IMAGE).isEqualTo("openpolicyagent/opa:" + opa.replaceFirst("^v", "") + "-static");
        assertThat(FleetContainers.KAFKA_IMAGE).isEqualTo("apache/kafka:" + kafka.group(1));
    }

    @Test
    void postgresRunsTheComposeImageWithPgauditAddedAndTheLocalStacksSettings() throws IOException {
        ContainerDefinition postgres = definitions(false).get("postgres");

        assertThat(postgres.image()).isEqualTo("postgres:17.5-bookworm");
        assertThat(postgres.dockerfile()).isEqualTo(REPOSITORY.resolve("platform/devstack/src/main/resources/postgres/Dockerfile"));
        assertThat(Files.readString(postgres.dockerfile())).contains("\nFROM postgres:17.5-bookworm\n")
                .contains("apt-get install").contains("\"postgresql-${PG_MAJOR}-pgaudit=${PG_MAJOR}.*\"");
        assertThat(FleetContainers.baseImage(postgres.dockerfile())).isEqualTo(postgres.image());
        assertThat(postgres.builtImage()).isEqualTo(FleetContainers.POSTGRES_BUILT_IMAGE)
                .isEqualTo("aicunet/fleet-postgres:17.5-bookworm");
        assertThat(postgres.command()).containsSubsequence("-c", "ssl=on")
                .containsSubsequence("-c", "shared_preload_libraries=pgaudit")
                .containsSubsequence("-c", "pgaudit.log=ddl, role")
                .containsSubsequence("-c", "ssl_min_protocol_version=TLSv1.2")
                .containsSubsequence("-c", "port=25432")
                .containsSubsequence("-c", "hba_file=/fleet/postgres/pg_hba.compose.conf");
        // The key is installed owned by the server's user, then the image's own entrypoint runs.
        assertThat(postgres.command().get(2)).contains("install -o postgres -g postgres -m 600 /fleet/tls-in/postgres.key")
                .endsWith("exec docker-entrypoint.sh \"$@\"");
        assertThat(postgres.environment()).containsEntry("POSTGRES_PASSWORD", "pg-superuser-secret")
                .containsEntry("PGPORT", "25432")
                .containsEntry("FLEET_SERVICES", String.join(" ", FleetContainers.services(REPOSITORY)))
                .containsEntry("FLEET_SERVICE_SQL", "/fleet/postgres/create-service-database.sql");
        assertThat(FleetContainers.services(REPOSITORY)).contains("tenant", "ledger", "agent-state", "audit", "config");
        assertThat(copies(postgres)).containsEntry("/fleet/postgres", devstack("postgres"))
                .containsEntry("/docker-entrypoint-initdb.d/10-create-service-databases.sh",
                        devstack("postgres/create-service-databases.sh"))
                .containsEntry("/fleet/tls-in/postgres.key", fleetHome.resolve("tls/postgres.key").toString())
                .containsEntry("/fleet/bootstrap/ledger",
                        REPOSITORY.resolve("services/ledger/src/main/resources/db/bootstrap").toString());
        // docker-compose.yml's own superuser steps (ComposeParityTest runs them against postgres.sh's).
        assertThat(copies(postgres)).containsEntry("/docker-entrypoint-initdb.d/20-postgres-bootstrap.sh",
                devstack("compose/postgres-bootstrap.sh"));
        assertThat(Files.readString(Path.of(devstack("compose/postgres-bootstrap.sh"))))
                .contains("/fleet/postgres/audit-superusers.sql").contains("CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog")
                .contains("reporting_password=").contains("${FLEET_BOOTSTRAP:-/fleet/bootstrap}");
        assertThat(postgres.readiness()).isEqualTo(
                new Readiness.LogLine(".*database system is ready to accept connections.*\\s", 2));
    }

    /** A Dockerfile's base image is its one FROM line; a multi-stage file is refused. */
    @Test
    void theBaseImageIsTheDockerfilesOneFromLine(@TempDir Path directory) throws IOException {
        Path single = Files.writeString(directory.resolve("single"), "# a comment\nFROM postgres:17.5-bookworm\nRUN true\n");
        Path multi = Files.writeString(directory.resolve("multi"), "FROM debian:bookworm AS build\nFROM postgres:17.5-bookworm\n");

        assertThat(FleetContainers.baseImage(single)).isEqualTo("postgres:17.5-bookworm");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FleetContainers.baseImage(multi))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one FROM line");
    }

    /**
     * Every setting of the local stack's fleet.conf (platform/devstack/bin/postgres.sh) is
     * given to the container with the same value, but those that place the server on the host
     * (listen address, socket directory, certificate paths): a setting added there and not
     * here fails this test.
     */
    @Test
    void postgresHasEverySettingOfTheLocalStacksFleetConf() throws IOException {
        String script = Files.readString(REPOSITORY.resolve("platform/devstack/bin/postgres.sh"));
        Matcher heredoc = Pattern.compile("cat >\"\\$data/fleet\\.conf\" <<EOF\\n(.*?)\\nEOF\\n", Pattern.DOTALL).matcher(script);
        assertThat(heredoc.find()).as("postgres.sh writes fleet.conf from a heredoc").isTrue();
        Map<String, String> local = new LinkedHashMap<>();
        for (String line : heredoc.group(1).lines().toList()) {
            Matcher setting = Pattern.compile("^([a-z_.]+)\\s*=\\s*(.*)$").matcher(line);
            if (setting.matches()) {
                local.put(setting.group(1), setting.group(2).replaceAll("^'(.*)'$", "$1"));
            }
        }
        Map<String, String> container = FleetContainers.postgresSettings(settings(false)).stream()
                .map(setting -> setting.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));

        assertThat(local).containsKeys("ssl", "shared_preload_libraries", "pgaudit.log", "max_connections");
        for (Map.Entry<String, String> setting : local.entrySet()) {
            switch (setting.getKey()) {
                case "listen_addresses", "unix_socket_directories" -> {
                }
                case "port" -> assertThat(container).containsEntry("port", "25432");
                case "ssl_cert_file", "ssl_key_file" -> assertThat(container).containsKey(setting.getKey());
                default -> assertThat(container).as(setting.getKey()).containsEntry(setting.getKey(), setting.getValue());
            }
        }
    }

    @Test
    void redisServesTlsOnlyWithTheRenderedAclUsers() throws Exception {
        ContainerDefinition redis = definitions(false).get("redis");

        assertThat(redis.image()).isEqualTo("redis:7.4.2-bookworm");
        assertThat(redis.command()).startsWith("redis-server", "/fleet/redis/redis.conf")
                .containsSubsequence("--port", "0").containsSubsequence("--tls-port", "26379")
                .containsSubsequence("--tls-cert-file", "/fleet/tls/redis.crt")
                .containsSubsequence("--tls-key-file", "/fleet/tls/redis.key")
                .containsSubsequence("--tls-ca-cert-file", "/fleet/tls/ca.crt")
                .containsSubsequence("--aclfile", "/fleet/redis/users.acl")
                .containsSubsequence("--protected-mode", "yes");
        assertThat(copies(redis)).containsEntry("/fleet/redis/redis.conf", devstack("redis/redis.conf"))
                .containsEntry("/fleet/tls/redis.key", fleetHome.resolve("tls/redis.key").toString());
        String acl = content(redis, "/fleet/redis/users.acl");
        assertThat(acl.lines()).allMatch(line -> line.startsWith("user "));
        assertThat(acl).contains("user default off resetpass")
                .contains("user ledger on #" + sha256("fleet-dev-redis-ledger") + " resetkeys")
                .contains("user fleet-admin on #" + sha256("fleet-dev-redis-fleet-admin") + " ~* &* +@all")
                .doesNotContain("%SHA256(").doesNotContain("fleet-dev-redis-");
        assertThat(redis.readiness()).isInstanceOf(Readiness.LogLine.class);
        assertThat(((Readiness.LogLine) redis.readiness()).regex()).contains("Ready to accept connections tls");
    }

    @Test
    void kafkaListensSaslSslWithScramAndAclsAndAdvertisesLoopback() {
        ContainerDefinition kafka = definitions(false).get("kafka");
        String properties = content(kafka, "/fleet/kafka/server.properties");

        assertThat(kafka.image()).isEqualTo("apache/kafka:4.1.1");
        assertThat(properties.lines())
                .contains("listeners=CLIENT://0.0.0.0:29092,CONTROLLER://127.0.0.1:29093")
                .contains("advertised.listeners=CLIENT://127.0.0.1:29092")
                .contains("listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL")
                .contains("listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512")
                .contains("ssl.keystore.location=/fleet/tls/kafka.p12")
                .contains("ssl.keystore.password=kafka-keystore-secret")
                .contains("ssl.truststore.location=/fleet/tls/ca.crt")
                .contains("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .contains("allow.everyone.if.no.acl.found=false")
                .contains("super.users=User:broker;User:fleet-admin")
                .contains("controller.quorum.voters=1@127.0.0.1:29093");
        assertThat(properties).contains("username=\"broker\" password=\"broker-secret\"").doesNotContainPattern("@[A-Z_]+@");
        assertThat(kafka.command().get(2)).contains("kafka-storage.sh format --ignore-formatted")
                .contains("--add-scram \"SCRAM-SHA-512=[name=broker,password=$FLEET_KAFKA_BROKER_PASSWORD]\"")
                .contains("--add-scram \"SCRAM-SHA-512=[name=fleet-admin,password=$FLEET_KAFKA_ADMIN_PASSWORD]\"")
                .endsWith("exec /opt/kafka/bin/kafka-server-start.sh /fleet/kafka/server.properties");
        assertThat(kafka.environment()).containsEntry("FLEET_KAFKA_BROKER_PASSWORD", "broker-secret")
                .containsEntry("FLEET_KAFKA_ADMIN_PASSWORD", "admin-secret")
                .containsEntry("KAFKA_HEAP_OPTS", "-Xms128m -Xmx640m");
        assertThat(copies(kafka)).containsEntry("/fleet/tls/kafka.p12", fleetHome.resolve("tls/kafka.p12").toString());
        assertThat(kafka.readiness()).isEqualTo(new Readiness.LogLine(".*Kafka Server started.*\\s", 1));
        assertThat(FleetContainers.kafkaAdminProperties(settings(false)).lines())
                .contains("bootstrap.servers=127.0.0.1:29092", "security.protocol=SASL_SSL",
                        "ssl.truststore.location=" + fleetHome.resolve("tls/ca.crt"), "sasl.mechanism=SCRAM-SHA-512");
    }

    @Test
    void opaServesHttpsAndAsksForTheBearerToken() {
        ContainerDefinition opa = definitions(false).get("opa");

        assertThat(opa.image()).isEqualTo("openpolicyagent/opa:1.22.2-static");
        assertThat(opa.command()).startsWith("run", "--server")
                .containsSubsequence("--addr", "0.0.0.0:28181")
                .containsSubsequence("--tls-cert-file", "/fleet/tls/opa.crt")
                .containsSubsequence("--tls-private-key-file", "/fleet/tls/opa.key")
                .containsSubsequence("--min-tls-version", "1.2")
                .contains("--authentication=token", "--authorization=basic")
                .containsSubsequence("--ignore", "*_test.rego", "/policies");
        assertThat(opa.environment()).containsEntry("AICUNET_OPA_TOKEN", "opa-token-secret");
        assertThat(copies(opa)).containsEntry("/policies", REPOSITORY.resolve("platform/policy/src/main/rego").toString());
        assertThat(REPOSITORY.resolve("platform/policy/src/main/rego/system/authz.rego")).exists();
        assertThat(opa.readiness()).isEqualTo(new Readiness.Https(28181, "/health", 200));
    }

    @Test
    void keycloakServesHttpsWithTheImportedRealmAndTheLocalIssuer() {
        ContainerDefinition keycloak = definitions(false).get("keycloak");

        assertThat(keycloak.image()).isEqualTo("quay.io/keycloak/keycloak:26.5.6");
        assertThat(keycloak.command()).startsWith("start").contains("--import-realm", "--http-enabled=false",
                "--https-port=28180", "--https-certificate-file=/fleet/tls/keycloak.crt",
                "--https-certificate-key-file=/fleet/tls/keycloak.key", "--http-management-port=28190",
                "--hostname=https://127.0.0.1:28180", "--db=dev-file", "--health-enabled=true", "--cache=local");
        assertThat(copies(keycloak)).containsEntry("/opt/keycloak/data/import/aicunet-realm.json",
                devstack("keycloak/aicunet-realm.json"));
        assertThat(keycloak.environment()).containsEntry("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
                .containsEntry("KC_BOOTSTRAP_ADMIN_PASSWORD", "keycloak-admin-secret")
                .containsEntry("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx700m");
        assertThat(keycloak.readiness())
                .isEqualTo(new Readiness.Https(28180, "/realms/aicunet/.well-known/openid-configuration", 200));
    }

    @Test
    void theObjectStoreServesHttpsWithFleetHomesKeysAndTheBackupBucket() {
        ContainerDefinition store = definitions(false).get("object-store");

        assertThat(store.image()).isEqualTo("andrewgaul/s3proxy:4.1.0");
        assertThat(content(store, "/fleet/object-store/s3proxy.conf").lines())
                .containsExactly("s3proxy.secure-endpoint=https://0.0.0.0:29000",
                        "s3proxy.keystore-path=/fleet/tls/object-store.p12",
                        "s3proxy.keystore-password=store-keystore-secret",
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=ACCESSKEY",
                        "s3proxy.credential=SECRETKEY",
                        "jclouds.provider=filesystem-nio2",
                        "jclouds.filesystem.basedir=/data");
        assertThat(store.command().get(2)).startsWith("mkdir -p /data/fleet-backups && exec java -Xms32m -Xmx96m")
                .endsWith("--properties /fleet/object-store/s3proxy.conf");
        assertThat(store.readiness()).isEqualTo(new Readiness.Https(29000, "/healthz", 200));
    }

    /**
     * The conversion to Testcontainers carries the definition over, and building it contacts
     * no engine (none runs here): only {@code start()} does.
     */
    @Test
    void definitionsBecomeContainersWithoutAnEngine() throws IOException {
        for (String file : List.of("ca.crt", "postgres.crt", "postgres.key", "redis.crt", "redis.key", "kafka.p12",
                "opa.crt", "opa.key", "keycloak.crt", "keycloak.key", "object-store.p12")) {
            Files.createDirectories(fleetHome.resolve("tls"));
            Files.writeString(fleetHome.resolve("tls").resolve(file), "test");
        }
        for (ContainerDefinition definition : definitions(true).values()) {
            GenericContainer<?> container = definition.toContainer();

            assertThat(container.getExposedPorts()).as(definition.name()).isEqualTo(definition.ports());
            // Testcontainers keeps the bindings in no particular order.
            assertThat(container.getPortBindings()).as(definition.name()).containsExactlyInAnyOrderElementsOf(
                    definition.portBindings().stream().map(binding -> binding + "/tcp").toList());
            assertThat(container.getEnvMap()).as(definition.name()).isEqualTo(definition.environment());
            assertThat(container.getCommandParts()).as(definition.name())
                    .containsExactlyElementsOf(definition.command());
            assertThat(container.isShouldBeReused()).as(definition.name()).isTrue();
        }
        assertThat(definitions(false).get("redis").toContainer().isShouldBeReused()).isFalse();
    }

    /** FLEET_HOME as the local stack lays it out, made by the devstack's own tls.sh. */
    @Test
    void fleetHomeIsPreparedByTheDevstacksTlsScript() throws IOException {
        FleetContainers.prepareFleetHome(settings(false));

        for (String server : FleetContainers.TLS_SERVERS) {
            assertThat(fleetHome.resolve("tls/" + server + ".crt")).as(server).isNotEmptyFile();
            assertThat(fleetHome.resolve("tls/" + server + ".key")).as(server).isNotEmptyFile();
            assertThat(fleetHome.resolve("tls/" + server + ".p12")).as(server).isNotEmptyFile();
        }
        assertThat(fleetHome.resolve("tls/ca.crt")).isNotEmptyFile();
        assertThat(fleetHome.resolve("tls/ca.key")).isNotEmptyFile();
        assertThat(Files.getPosixFilePermissions(fleetHome.resolve("tls/postgres.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        Secrets secrets = Secrets.read(fleetHome);
        assertThat(secrets.objectStoreAccessKey()).matches("[A-Za-z0-9]{20}");
        assertThat(secrets.objectStoreSecretKey()).matches("[A-Za-z0-9]{40}");
        assertThat(secrets.keycloakAdminPassword()).matches("[A-Za-z0-9]{24}");
        assertThat(secrets.kafkaKeystorePassword()).matches("[A-Za-z0-9]{32}");

        // Kept: a second run changes nothing.
        String ca = Files.readString(fleetHome.resolve("tls/ca.crt"));
        FleetContainers.prepareFleetHome(settings(false));
        assertThat(Files.readString(fleetHome.resolve("tls/ca.crt"))).isEqualTo(ca);
        assertThat(Secrets.read(fleetHome)).isEqualTo(secrets);
    }

    private static Map<String, String> copies(ContainerDefinition definition) {
        return definition.files().stream().filter(file -> file.hostPath() != null)
                .collect(Collectors.toMap(FileCopy::containerPath, file -> file.hostPath().toString()));
    }

    private static String content(ContainerDefinition definition, String containerPath) {
        return definition.files().stream().filter(file -> file.containerPath().equals(containerPath))
                .map(FileCopy::content).findFirst()
                .orElseThrow(() -> new AssertionError(definition.name() + " copies nothing to " + containerPath));
    }

    private static String devstack(String path) {
        return REPOSITORY.resolve("platform/devstack/src/main/resources").resolve(path).toString();
    }

    private static String scriptVersion(String script, String variable) throws IOException {
        Matcher matcher = Pattern.compile("(?m)^" + variable + "=\"([^\"]+)\"$")
                .matcher(Files.readString(REPOSITORY.resolve("platform/devstack/bin").resolve(script)));
        assertThat(matcher.find()).as(variable + " in " + script).isTrue();
        return matcher.group(1);
    }

    private static String repository(String image) {
        return image.substring(0, image.lastIndexOf(':'));
    }

    /**
     * The image of each service of a compose file: the names two spaces in under the top-level
     * {@code services:}, each {@code image:} four spaces in (the file's own layout).
     */
    static Map<String, String> composeImages(Path composeFile) throws IOException {
        Map<String, String> images = new LinkedHashMap<>();
        boolean inServices = false;
        String service = null;
        Pattern serviceLine = Pattern.compile("^  ([A-Za-z0-9._-]+):\\s*(#.*)?$");
        Pattern imageLine = Pattern.compile("^    image:\\s*[\"']?([^\"'\\s#]+)[\"']?\\s*(#.*)?$");
        for (String line : Files.readAllLines(composeFile, StandardCharsets.UTF_8)) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                inServices = line.startsWith("services:");
                service = null;
                continue;
            }
            if (!inServices) {
                continue;
            }
            Matcher name = serviceLine.matcher(line);
            if (name.matches()) {
                service = name.group(1);
                continue;
            }
            Matcher image = imageLine.matcher(line);
            if (service != null && image.matches()) {
                images.put(service, image.group(1));
            }
        }
        return images;
    }

    /**
     * The Dockerfile each compose service with a {@code build:} is built from (its context and
     * dockerfile, six spaces in, resolved against the compose file's directory).
     */
    static Map<String, Path> composeDockerfiles(Path composeFile) throws IOException {
        Map<String, Path> dockerfiles = new LinkedHashMap<>();
        Map<String, String> contexts = new LinkedHashMap<>();
        boolean inServices = false;
        String service = null;
        Pattern serviceLine = Pattern.compile("^  ([A-Za-z0-9._-]+):\\s*(#.*)?$");
        Pattern buildLine = Pattern.compile("^      (context|dockerfile):\\s*[\"']?([^\"'\\s#]+)[\"']?\\s*(#.*)?$");
        for (String line : Files.readAllLines(composeFile, StandardCharsets.UTF_8)) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                inServices = line.startsWith("services:");
                service = null;
                continue;
            }
            Matcher name = serviceLine.matcher(line);
            if (inServices && name.matches()) {
                service = name.group(1);
                continue;
            }
            Matcher build = buildLine.matcher(line);
            if (inServices && service != null && build.matches()) {
                if (build.group(1).equals("context")) {
                    contexts.put(service, build.group(2));
                } else {
                    dockerfiles.put(service, composeFile.toAbsolutePath().getParent()
                            .resolve(contexts.getOrDefault(service, ".")).resolve(build.group(2)).toRealPath());
                }
            }
        }
        return dockerfiles;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
