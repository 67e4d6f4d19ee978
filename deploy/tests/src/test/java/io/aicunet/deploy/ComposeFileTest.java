package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml parses, runs every service against the infrastructure of ./fleet up, and refers only to what exists (ComposeParityTest: setting for setting). */
class ComposeFileTest {

    /** A pinned image: a tag other than latest (a registry host and a digest are optional). */
    static final Pattern PINNED = Pattern.compile("^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9._/-]+:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$");

    /** ${NAME:-default} in compose: the default is what a plain `docker compose up` uses. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");

    static Map<String, Object> compose;
    static Map<String, Object> services;

    @BeforeAll
    static void parse() {
        compose = Yaml.read(Fleet.root().resolve("docker-compose.yml"));
        services = Yaml.map(compose.get("services"));
    }

    /** Proves: compose runs Postgres, Redis, Kafka, OPA and every service of the fleet, each image pinned to a tag. */
    @Test
    void everyServiceAndInfrastructureWithPinnedImages() {
        assertThat(services).containsKeys("object-store", "postgres", "redis", "kafka", "opa", "keycloak");
        assertThat(services).containsKeys(Fleet.SERVICES.toArray(String[]::new));
        assertThat(services.keySet()).containsAll(Fleet.servicesConf().keySet());

        services.forEach((name, definition) -> assertThat((String) Yaml.map(definition).get("image"))
                .as("image of %s", name).matches(PINNED));
        assertThat((String) Yaml.at(services, "kafka.image")).startsWith("apache/kafka:");
        // One KRaft node that is broker and controller: the local stack's server.properties, mounted.
        assertThat(Yaml.list(Yaml.at(services, "kafka.volumes")))
                .contains("./platform/devstack/src/main/resources/kafka/server.properties:/fleet/kafka/server.properties:ro");
    }

    /** Proves: every service is built from its own directory with its Dockerfile.jvm, both of which exist. */
    @Test
    void buildContextsAndDockerfilesExist() {
        for (String service : Fleet.SERVICES) {
            Map<String, Object> build = Yaml.map(Yaml.at(services, service + ".build"));
            Path context = Fleet.root().resolve((String) build.get("context")).normalize();
            assertThat(context).isEqualTo(Fleet.root().resolve("services").resolve(service));
            assertThat(context).isDirectory();
            assertThat(context.resolve((String) build.get("dockerfile"))).isRegularFile();
        }
    }

    /** Proves: every bind mount's host path exists, and Postgres runs the shared init script over the shared SQL file for all services. */
    @Test
    void bindMountsExistAndPostgresRunsSharedScript() {
        services.forEach((name, definition) -> {
            Object volumes = Yaml.map(definition).get("volumes");
            for (Object volume : volumes == null ? List.of() : Yaml.list(volumes)) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(Fleet.root().resolve(source).normalize()).as("mount of %s", name).exists();
                }
            }
        });

        Map<String, Object> postgres = Yaml.map(services.get("postgres"));
        assertThat(Yaml.list(postgres.get("volumes"))).contains(
                "./platform/devstack/src/main/resources/postgres:/fleet/postgres:ro",
                "./platform/devstack/src/main/resources/postgres/create-service-databases.sh:/docker-entrypoint-initdb.d/10-create-service-databases.sh:ro");
        Map<String, Object> environment = Yaml.map(postgres.get("environment"));
        assertThat(environment).containsEntry("FLEET_SERVICE_SQL", "/fleet/postgres/create-service-database.sql");
        assertThat(List.of(((String) environment.get("FLEET_SERVICES")).split(" "))).containsExactlyElementsOf(Fleet.SERVICES);
        assertThat(Files.isExecutable(Fleet.root().resolve("platform/devstack/src/main/resources/postgres/create-service-databases.sh"))).isTrue();
    }

    /**
     * Proves: each service connects to its own database, Kafka, OPA and Redis inside compose over
     * TLS (no plaintext override of the platform's SASL_SSL, https, rediss), and publishes its
     * fleet port. A setting whose name looks like a credential holds a path to a mounted file or
     * is one services.sh gives every service (OPA's token, from FLEET_OPA_TOKEN with its default).
     */
    @Test
    void servicesPointAtComposeInfrastructure() {
        for (String service : Fleet.SERVICES) {
            Map<String, Object> definition = Yaml.map(services.get(service));
            Map<String, Object> environment = Yaml.map(definition.get("environment"));
            assertThat(environment)
                    .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/" + Fleet.rolePrefix(service)
                            + "?sslmode=verify-full&sslrootcert=/fleet/tls/ca.crt")
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://postgres:5432/" + Fleet.rolePrefix(service))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsEntry("AICUNET_POLICY_OPA_URL", "https://opa:8181")
                    .doesNotContainKeys("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM");
            assertThat(environment).as("%s limits its callers' requests in Redis, over TLS, as its own ACL user", service)
                    .containsEntry("QUARKUS_REDIS_HOSTS", "rediss://redis:6379?user=" + service);
            environment.forEach((name, value) -> {
                if (ManifestSecurityTest.isCredentialName(name)) {
                    assertThat(name.equals("FLEET_OPA_TOKEN") || String.valueOf(value).startsWith("/fleet/"))
                            .as("%s of %s names a file or is services.sh's FLEET_OPA_TOKEN: %s", name, service, value).isTrue();
                }
            });
            int port = Fleet.HTTP_PORTS.get(service);
            assertThat(Yaml.list(definition.get("ports"))).containsExactly("127.0.0.1:" + port + ":" + port);
            assertThat(Yaml.map(definition.get("depends_on"))).containsKeys("postgres", "kafka", "opa", "redis", "keycloak", "object-store");
        }
    }

    /**
     * Proves: compose's Postgres takes TCP only inside TLS 1.2+ with the tls service's certificate (made before
     * it starts), and every service verifies it with that CA (the dev profile's CA setting, Liquibase's URL).
     */
    @Test
    void postgresServesTlsAndServicesVerifyIt() {
        Map<String, Object> postgres = Yaml.map(services.get("postgres"));
        assertThat(Yaml.list(postgres.get("command"))).containsSubsequence("postgres", "-c", "ssl=on")
                .contains("ssl_cert_file=/fleet/tls/postgres.crt", "ssl_key_file=/fleet/tls/postgres.key",
                        "ssl_min_protocol_version=TLSv1.2", "hba_file=/fleet/postgres/pg_hba.compose.conf");
        assertThat(Yaml.list(postgres.get("volumes"))).contains("fleet-tls:/fleet/tls:ro");
        assertThat(Yaml.at(services, "postgres.depends_on.tls.condition")).isEqualTo("service_completed_successfully");
        assertThat(Yaml.list(Yaml.at(services, "tls.volumes"))).contains("fleet-tls:/fleet/tls-out");
        List<String> hba = readLines(Fleet.root().resolve("platform/devstack/src/main/resources/postgres/pg_hba.compose.conf"))
                .stream().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertThat(hba).as("no plaintext TCP").noneMatch(line -> line.startsWith("host "))
                .anyMatch(line -> line.matches("hostnossl\\s+all\\s+all\\s+all\\s+reject"));
        for (String service : Fleet.SERVICES) {
            Map<String, Object> definition = Yaml.map(services.get(service));
            assertThat(Yaml.list(definition.get("volumes"))).as(service).contains("fleet-tls:/fleet/tls:ro");
            assertThat(Yaml.map(definition.get("environment")))
                    .containsEntry("_DEV_AICUNET_DATABASE_CA_CERTIFICATE", "/fleet/tls/ca.crt");
        }
    }

    /** Proves: the tls service's script makes a CA and a Postgres certificate for "postgres" that verifies against it, and keeps current ones. */
    @Test
    void composeCertificatesVerify(@org.junit.jupiter.api.io.TempDir Path out) throws Exception {
        Path script = Fleet.root().resolve("platform/devstack/src/main/resources/tls/compose-certificates.sh");
        assertThat(run("bash", script.toString(), out.toString())).contains("written to");
        assertThat(run("openssl", "verify", "-CAfile", out.resolve("ca.crt").toString(), out.resolve("postgres.crt").toString()))
                .contains(": OK");
        assertThat(run("openssl", "x509", "-in", out.resolve("postgres.crt").toString(), "-noout", "-ext", "subjectAltName"))
                .contains("DNS:postgres");
        assertThat(out.resolve("ca.key")).as("the CA's key is not kept").doesNotExist();
        assertThat(run("bash", script.toString(), out.toString())).contains("are current");
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
        return output;
    }

    /** Proves: every port compose publishes listens on loopback only, and its defaults are the local stack's ports. */
    @Test
    void portsAreLoopbackOnly() {
        services.forEach((name, definition) -> {
            Object ports = Yaml.map(definition).get("ports");
            for (Object port : ports == null ? List.of() : Yaml.list(ports)) {
                Matcher variable = VARIABLE.matcher((String) port);
                String resolved = variable.replaceAll("$1");
                assertThat(resolved).as("port of %s", name).matches("^127\\.0\\.0\\.1:[0-9]+:[0-9]+$");
            }
        });
        assertThat(VARIABLE.matcher((String) Yaml.list(Yaml.at(services, "postgres.ports")).get(0)).replaceAll("$1"))
                .isEqualTo("127.0.0.1:15432:5432");
    }
}
