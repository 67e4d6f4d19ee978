package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.FleetContainers;
import io.aicunet.platform.testing.KafkaAcls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml runs the stack that {@code ./fleet up} runs, setting for setting. The
 * expectation is read from platform/devstack (./fleet's INFRA and ports, services.sh's
 * service_environment, the pinned versions, the servers' options) and from the services'
 * .properties files, not from a list here: a %dev setting that points at the local stack
 * (127.0.0.1, localhost, a FLEET_* variable, a FLEET_HOME path), added anywhere, fails this
 * test until compose gives it a compose address or a mounted path. The compose scripts run
 * here against temporary directories (no container engine needed): the certificates, the
 * Redis ACL file, Kafka's configuration and ACL calls, s3proxy's configuration.
 */
class ComposeParityTest {

    /** The profiles ./fleet up runs services in (services.sh), split as Quarkus splits them. */
    static final String PROFILES = "dev,service-tls";

    /** A setting that names the identity provider's issuer: an identifier the tokens carry, not an address dialled. */
    static final Set<String> IDENTIFIER_SETTINGS = Set.of("mp.jwt.verify.issuer");

    /** A setting that says where the service itself listens: every interface of its container. */
    static final Set<String> LISTEN_SETTINGS = Set.of("quarkus.http.host");

    static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?::?-([^}]*))?}");

    static Map<String, Object> compose;
    static Map<String, Object> services;

    /** What the tls one-shot writes into fleet-tls (and fleet-objects), made by the same scripts. */
    @TempDir
    static Path generated;

    @BeforeAll
    static void parseAndGenerate() throws Exception {
        compose = Yaml.read(Fleet.root().resolve("docker-compose.yml"));
        services = Yaml.map(compose.get("services"));
        run(Map.of(), "bash", resource("tls/compose-certificates.sh"), generated.resolve("tls").toString());
        run(Map.of(), "bash", resource("compose/object-store-credentials.sh"),
                generated.resolve("tls/object-store").toString(), generated.resolve("objects").toString());
    }

    // --- The services' settings ------------------------------------------------------------

    /**
     * Proves: every setting a service takes from ./fleet up's local stack (its %dev and plain
     * values, its platform modules' included, that name 127.0.0.1, localhost, a FLEET_* variable
     * or a FLEET_HOME path) has in compose a value that names a compose service on a port it
     * listens on, or a path inside one of the service's volumes that the tls one-shot fills;
     * and the component it pointed at is among the service's depends_on.
     */
    @Test
    void everyLocalStackSettingHasAComposeValue() {
        List<String> problems = new ArrayList<>();
        for (String service : Fleet.servicesConf().keySet()) {
            problems.addAll(settingProblems(service, new ServiceSettings(service, List.of(PROFILES.split(",")))));
        }
        assertThat(problems).as("settings of ./fleet up that docker-compose.yml does not carry over").isEmpty();
    }

    /**
     * Proves the check above fails meaningfully: a new %dev setting pointing at the local
     * stack's OPA, a new one with a FLEET_HOME path, and a plain host of 127.0.0.1 are each
     * reported, naming the setting and the environment variable compose must set.
     */
    @Test
    void aNewLocalStackSettingWithoutComposeValueFails() {
        ServiceSettings settings = new ServiceSettings("ledger", List.of(PROFILES.split(",")));
        Path file = Fleet.root().resolve("services/ledger/src/main/resources/application.properties");
        settings.entries.put("aicunet.example.url", List.of(new ServiceSettings.Entry(file, 250, "dev", "https://127.0.0.1:${FLEET_OPA_PORT:18181}/v1")));
        settings.entries.put("aicunet.example.file", List.of(new ServiceSettings.Entry(file, 250, "dev", "${FLEET_HOME:/tmp/aicunet}/tls/example.pem")));
        settings.entries.put("aicunet.example.host", List.of(new ServiceSettings.Entry(file, 250, "", "127.0.0.1")));
        List<String> problems = settingProblems("ledger", settings);
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(problem -> assertThat(problem).contains("aicunet.example.url", "_DEV_AICUNET_EXAMPLE_URL"))
                .anySatisfy(problem -> assertThat(problem).contains("aicunet.example.file", "/tmp/aicunet/tls/example.pem"))
                .anySatisfy(problem -> assertThat(problem).contains("aicunet.example.host", "AICUNET_EXAMPLE_HOST"));
    }

    /** What is wrong with a service's compose definition for the settings ./fleet up gives it. */
    static List<String> settingProblems(String service, ServiceSettings settings) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> definition = Yaml.map(services.get(service));
        Map<String, String> environment = environment(service);
        Set<String> dependencies = dependencies(service);
        Map<String, String> componentByPort = Devstack.componentByPortVariable();
        settings.localStackSettings().forEach((name, localValue) -> {
            String value = settings.resolve(name, environment);
            String where = service + ": " + name + " (./fleet up: " + localValue + "; compose: " + value + "; set "
                    + String.join(" or ", settings.environmentNames(name)) + ")";
            // The component the local value points at, by its port variable or its port.
            Set<String> components = new LinkedHashSet<>();
            Matcher variable = Pattern.compile("\\$\\{(FLEET_[A-Z_]+_PORT)").matcher(localValue);
            while (variable.find()) {
                components.add(componentByPort.getOrDefault(variable.group(1), variable.group(1)));
            }
            if (name.endsWith(".host")) {
                String port = settings.resolve(name.substring(0, name.length() - ".host".length()) + ".port", Map.of());
                Fleet.servicesConf().forEach((other, otherPort) -> {
                    if (!other.equals(service) && String.valueOf(otherPort).equals(port)) {
                        components.add(other);
                    }
                });
            }
            for (String component : components) {
                if (!dependencies.contains(component)) {
                    problems.add(where + ": " + service + " does not depend on " + component);
                }
            }
            if (value == null) {
                problems.add(where + ": no value");
                return;
            }
            if (IDENTIFIER_SETTINGS.contains(name)) {
                String issuer = keycloakOption("--hostname") + "/realms/" + realmName();
                if (!value.equals(issuer)) {
                    problems.add(where + ": must be Keycloak's fixed issuer " + issuer);
                }
                return;
            }
            if (LISTEN_SETTINGS.contains(name)) {
                if (!value.equals("0.0.0.0")) {
                    problems.add(where + ": must listen on every interface of the container (0.0.0.0)");
                }
                return;
            }
            if (mentionsLocalStack(value) || value.contains("${")) {
                problems.add(where + ": still points at the local stack (or is unresolved) in compose");
                return;
            }
            if (name.endsWith(".host")) {
                checkAddress(where, value, settings.resolve(name.substring(0, name.length() - 5) + ".port", environment),
                        components, dependencies, problems);
                return;
            }
            for (String token : value.split("[?&\\s,;]")) {
                int scheme = token.indexOf("://");
                if (scheme >= 0) {
                    Matcher url = Pattern.compile("^([^/:?]+)(?::([0-9]+))?").matcher(token.substring(scheme + 3));
                    if (!url.find() || url.group(2) == null) {
                        problems.add(where + ": an address without a port: " + token);
                        continue;
                    }
                    checkAddress(where, url.group(1), url.group(2), components, dependencies, problems);
                } else if (token.matches("[a-z0-9.-]+:[0-9]+")) {
                    checkAddress(where, token.split(":")[0], token.split(":")[1], components, dependencies, problems);
                } else {
                    String path = token.contains("=") ? token.substring(token.indexOf('=') + 1) : token;
                    if (path.startsWith("/")) {
                        checkPath(where, definition, path, problems);
                    }
                }
            }
        });
        return problems;
    }

    static boolean mentionsLocalStack(String value) {
        return value.contains("127.0.0.1") || value.contains("localhost") || value.contains("${FLEET_");
    }

    private static void checkAddress(String where, String host, String port, Set<String> components, Set<String> dependencies,
                                     List<String> problems) {
        if (!services.containsKey(host)) {
            problems.add(where + ": " + host + " is not a compose service");
            return;
        }
        if (!components.isEmpty() && !components.contains(host)) {
            problems.add(where + ": points at " + host + " where ./fleet up points at " + components);
        }
        if (!dependencies.contains(host)) {
            problems.add(where + ": does not depend on " + host);
        }
        if (port == null || !listeningPorts(host).contains(port)) {
            problems.add(where + ": " + host + " does not listen on " + port + " (it listens on " + listeningPorts(host) + ")");
        }
    }

    /** A path a compose service reads: inside one of its volumes, and there (a bind mount's file, or what the tls one-shot writes). */
    private static void checkPath(String where, Map<String, Object> definition, String path, List<String> problems) {
        for (Object volume : Yaml.list(definition.getOrDefault("volumes", List.of()))) {
            String[] parts = ((String) volume).split(":");
            String source = parts[0];
            String target = parts[1];
            if (!path.equals(target) && !path.startsWith(target + "/")) {
                continue;
            }
            String relative = path.equals(target) ? "" : path.substring(target.length() + 1);
            Path host = source.startsWith(".") ? Fleet.root().resolve(source).resolve(relative)
                    : source.equals("fleet-tls") ? generated.resolve("tls").resolve(relative)
                    : source.equals("fleet-objects") ? generated.resolve("objects").resolve(relative)
                    : null;
            if (host == null) {
                problems.add(where + ": " + path + " lies in volume " + source + ", which nothing in compose fills");
            } else if (!Files.exists(host)) {
                problems.add(where + ": " + path + " does not exist in " + source + " (looked at " + host + ")");
            }
            return;
        }
        problems.add(where + ": " + path + " is in none of the service's volumes");
    }

    /**
     * Proves: each service gets the environment services.sh's service_environment gives it (service_start starts it with): the same
     * profiles, a certificate directory with tls.crt, tls.key and ca.crt that the tls one-shot
     * fills, its port of services.conf (published on 127.0.0.1 alike), and every other variable
     * that is not a port of the local stack (compose dials its own addresses: the test above)
     * with common.sh's default, e.g. OPA's token, which OPA gets too. The JVM has services.sh's
     * bounds and the image's own options.
     */
    @Test
    void servicesGetTheEnvironmentOfServiceStart(@TempDir Path home) {
        List<String> dockerfileOptions = List.of(Devstack.find(Devstack.read(Fleet.root().resolve("services/tenant/src/main/docker/Dockerfile.jvm")),
                "ENV JAVA_OPTS_APPEND=\"([^\"]*)\"", "Dockerfile.jvm").split("\\s+"));
        Fleet.servicesConf().forEach((service, port) -> {
            Map<String, String> start = Devstack.serviceEnvironment(port, home);
            assertThat(start).as("services.sh's service_environment").containsKeys("QUARKUS_PROFILE", "AICUNET_SERVICE_TLS_DIRECTORY", "QUARKUS_HTTP_PORT");
            Map<String, Object> definition = Yaml.map(services.get(service));
            Map<String, String> raw = rawEnvironment(service);
            Map<String, String> environment = environment(service);
            start.forEach((name, value) -> {
                switch (name) {
                    case "QUARKUS_PROFILE" -> assertThat(environment.get(name)).as(service + " " + name).isEqualTo(value).isEqualTo(PROFILES);
                    case "AICUNET_SERVICE_TLS_DIRECTORY" -> {
                        String directory = environment.get(name);
                        assertThat(directory).as(service + " " + name).isNotNull();
                        for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
                            List<String> problems = new ArrayList<>();
                            checkPath(service + " " + name, definition, directory + "/" + file, problems);
                            assertThat(problems).isEmpty();
                        }
                    }
                    case "QUARKUS_HTTP_PORT" -> {
                        assertThat(environment.get(name)).as(service + " " + name).isEqualTo(value).isEqualTo(String.valueOf(port));
                        assertThat(Yaml.list(definition.get("ports"))).as(service).containsExactly("127.0.0.1:" + port + ":" + port);
                    }
                    default -> {
                        if (!Devstack.componentByPortVariable().containsKey(name)) {
                            assertThat(raw.get(name)).as("%s: %s, which services.sh gives every service", service, name)
                                    .isEqualTo("${" + name + ":-" + Devstack.commonDefault(name) + "}");
                        }
                    }
                }
            });
            List<String> options = List.of(environment.getOrDefault("JAVA_OPTS_APPEND", "").split("\\s+"));
            assertThat(options).as("%s's JVM options", service).containsAll(Devstack.serviceJavaOptions()).containsAll(dockerfileOptions);
        });
        // OPA takes the same token the services send (opa.sh: env AICUNET_OPA_TOKEN="$FLEET_OPA_TOKEN").
        String opaVariable = Devstack.find(Devstack.read(Devstack.bin("opa.sh")), "env ([A-Z_]+)=\"\\$FLEET_OPA_TOKEN\"", "opa.sh");
        assertThat(rawEnvironment("opa").get(opaVariable)).isEqualTo(rawEnvironment("tenant").get("FLEET_OPA_TOKEN"));
    }

    /**
     * Proves: compose runs every infrastructure component of ./fleet's INFRA under the same
     * name, and each service depends on each (so none starts before what it uses), on the
     * certificates, and on Kafka's principals and ACLs; every service but the tenant service
     * also on the tenant service (data keys).
     */
    @Test
    void everyServiceDependsOnTheWholeInfrastructure() {
        List<String> infrastructure = Devstack.infrastructure();
        assertThat(infrastructure).contains("object-store", "postgres", "redis", "kafka", "opa", "keycloak");
        assertThat(services).containsKeys(infrastructure.toArray(String[]::new));
        for (String service : Fleet.servicesConf().keySet()) {
            assertThat(dependencies(service)).as(service).containsAll(infrastructure).contains("tls", "kafka-acls");
            assertThat(Yaml.at(services, service + ".depends_on.tls.condition")).isEqualTo("service_completed_successfully");
            assertThat(Yaml.at(services, service + ".depends_on.kafka-acls.condition")).isEqualTo("service_completed_successfully");
            assertThat(dependencies(service).contains("tenant")).as("%s depends on the tenant service", service).isEqualTo(!service.equals("tenant"));
        }
    }

    // --- Images, mounts -----------------------------------------------------------------------

    /**
     * Proves: every image has a tag other than latest, and Keycloak, s3proxy, OPA and Kafka are
     * the versions ./fleet up runs (keycloak.sh, object-store.sh, opa.sh, the root pom's kafka.version).
     */
    @Test
    void imagesArePinnedToTheLocalStacksVersions() {
        services.forEach((name, definition) -> assertThat((String) Yaml.map(definition).get("image"))
                .as("image of %s", name).matches(ComposeFileTest.PINNED));
        assertThat(Yaml.at(services, "keycloak.image")).isEqualTo("quay.io/keycloak/keycloak:" + Devstack.version("keycloak.sh", "FLEET_KEYCLOAK_VERSION"));
        assertThat(Yaml.at(services, "object-store.image")).isEqualTo("andrewgaul/s3proxy:" + Devstack.version("object-store.sh", "FLEET_OBJECT_STORE_VERSION"));
        assertThat(Yaml.at(services, "opa.image")).isEqualTo("openpolicyagent/opa:" + Devstack.version("opa.sh", "FLEET_OPA_VERSION").replaceFirst("^v", "") + "-static");
        String kafkaVersion = Devstack.find(Devstack.read(Fleet.root().resolve("pom.xml")), "<kafka.version>([^<]+)</kafka.version>", "pom.xml");
        assertThat(Yaml.at(services, "kafka.image")).isEqualTo("apache/kafka:" + kafkaVersion);
        assertThat(Yaml.at(services, "kafka-acls.image")).isEqualTo("apache/kafka:" + kafkaVersion);
    }

    /** Proves: every bind-mounted host file or directory exists, every mounted or compose script parses (bash -n) and the mounted scripts are executable where the image executes them. */
    @Test
    void bindMountsExistAndScriptsParse() throws Exception {
        services.forEach((name, definition) -> {
            for (Object volume : Yaml.list(Yaml.map(definition).getOrDefault("volumes", List.of()))) {
                String source = ((String) volume).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(Fleet.root().resolve(source).normalize()).as("mount of %s", name).exists();
                } else {
                    assertThat(Yaml.map(compose.get("volumes"))).as("volume %s of %s", source, name).containsKey(source);
                }
            }
        });
        try (Stream<Path> scripts = Files.list(Devstack.resource("compose"))) {
            for (Path script : scripts.filter(file -> file.toString().endsWith(".sh")).toList()) {
                run(Map.of(), "bash", "-n", script.toString());
                assertThat(Files.isExecutable(script)).as("%s is executable (initdb.d runs it)", script).isTrue();
            }
        }
        run(Map.of(), "bash", "-n", resource("tls/compose-certificates.sh"));
    }

    // --- TLS ------------------------------------------------------------------------------------

    /**
     * Proves: the tls one-shot issues, from one CA, a certificate for every server in compose
     * that names its compose name and 127.0.0.1 (so containers and the host verify it alike),
     * and the services' certificate names every service; each key is readable by its owner only.
     */
    @Test
    void everyServerHasACertificateForItsComposeName() throws Exception {
        Path tls = generated.resolve("tls");
        for (String server : Devstack.infrastructure()) {
            Path certificate = tls.resolve(server + ".crt");
            assertThat(run(Map.of(), "openssl", "verify", "-CAfile", tls.resolve("ca.crt").toString(), certificate.toString())).contains(": OK");
            assertThat(run(Map.of(), "openssl", "x509", "-in", certificate.toString(), "-noout", "-ext", "subjectAltName"))
                    .contains("DNS:" + server, "IP Address:127.0.0.1", "DNS:localhost");
            assertThat(Files.getPosixFilePermissions(tls.resolve(server + ".key"))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        String names = run(Map.of(), "openssl", "x509", "-in", tls.resolve("service/tls.crt").toString(), "-noout", "-ext", "subjectAltName");
        for (String service : Fleet.servicesConf().keySet()) {
            assertThat(names).contains("DNS:" + service + ",");
        }
        assertThat(Files.readString(tls.resolve("service/ca.crt"))).isEqualTo(Files.readString(tls.resolve("ca.crt")));
        assertThat(tls.resolve("ca.key")).as("the CA's key is not kept").doesNotExist();
    }

    /** Proves: OPA runs with every option opa.sh gives it (HTTPS only, token authentication, its API closed, tests ignored), on the same policies. */
    @Test
    void opaRunsAsOpaShRunsIt() {
        Map<String, String> local = Devstack.options("opa.sh", "\"$bin\" run");
        Map<String, String> composed = composeOptions(Yaml.list(Yaml.at(services, "opa.command")));
        for (Map.Entry<String, String> option : local.entrySet()) {
            assertThat(composed).as("OPA option %s of opa.sh", option.getKey()).containsKey(option.getKey());
            String value = option.getValue().replace("'", "");
            if (!value.contains("$") && !option.getKey().equals("--addr")) {
                assertThat(composed.get(option.getKey())).as(option.getKey()).isEqualTo(value);
            }
        }
        checkTlsFiles("opa", composed.get("--tls-cert-file"), composed.get("--tls-private-key-file"));
        assertThat(Yaml.list(Yaml.at(services, "opa.volumes"))).contains("./platform/policy/src/main/rego:/policies:ro");
        assertThat(Yaml.list(Yaml.at(services, "opa.command"))).last().isEqualTo("/policies");
    }

    /**
     * Proves: Keycloak runs with every build and start option keycloak.sh gives it (HTTPS only,
     * file database, health, local cache, realm import), its certificate from the tls one-shot,
     * the realm file mounted where --import-realm reads it, and the issuer fixed to the host's
     * address on the published port.
     */
    @Test
    void keycloakRunsAsKeycloakShRunsIt() {
        Map<String, String> local = new LinkedHashMap<>();
        Devstack.find(Devstack.read(Devstack.bin("keycloak.sh")), "FLEET_KEYCLOAK_BUILD_OPTIONS=\\(([^)]*)\\)", "keycloak.sh")
                .lines().flatMap(line -> Stream.of(line.trim().split("\\s+"))).filter(word -> word.startsWith("--"))
                .forEach(word -> local.put(word.split("=")[0], word.contains("=") ? word.split("=", 2)[1] : ""));
        local.putAll(Devstack.options("keycloak.sh", "/bin/kc.sh\" start --optimized"));
        Map<String, String> composed = composeOptions(Yaml.list(Yaml.at(services, "keycloak.command")));
        for (Map.Entry<String, String> option : local.entrySet()) {
            assertThat(composed).as("Keycloak option %s of keycloak.sh", option.getKey()).containsKey(option.getKey());
            if (option.getValue().equals("127.0.0.1")) {
                assertThat(composed.get(option.getKey())).as("%s: every interface of the container", option.getKey()).isEqualTo("0.0.0.0");
            } else if (!option.getValue().contains("$")) {
                assertThat(composed.get(option.getKey())).as(option.getKey()).isEqualTo(option.getValue());
            }
        }
        checkTlsFiles("keycloak", composed.get("--https-certificate-file"), composed.get("--https-certificate-key-file"));
        assertThat(Yaml.list(Yaml.at(services, "keycloak.volumes"))).contains(
                "./platform/devstack/src/main/resources/keycloak/aicunet-realm.json:/opt/keycloak/data/import/aicunet-realm.json:ro");
        String hostname = keycloakOption("--hostname");
        assertThat(hostname).isEqualTo("https://127.0.0.1:" + publishedPort("keycloak", composed.get("--https-port")));
    }

    // --- Postgres -----------------------------------------------------------------------------

    /**
     * Proves: compose's Postgres runs the image FleetContainers (platform/testing) runs, built
     * from the same Dockerfile under the same name, one that adds pgaudit and pgBackRest to the
     * official image; the tls one-shot keeps that Dockerfile's base image (bash and openssl).
     */
    @Test
    void postgresIsBuiltFromTheDockerfileTestcontainersBuilds() {
        for (String service : List.of("postgres", "postgres-backup")) {
            assertThat(Yaml.at(services, service + ".image")).as(service).isEqualTo(FleetContainers.POSTGRES_BUILT_IMAGE);
            Path dockerfile = Fleet.root().resolve((String) Yaml.at(services, service + ".build.context"))
                    .resolve((String) Yaml.at(services, service + ".build.dockerfile")).normalize();
            assertThat(dockerfile).as(service).isEqualTo(Fleet.root().resolve(FleetContainers.POSTGRES_DOCKERFILE)).isRegularFile();
        }
        String dockerfile = Devstack.read(Fleet.root().resolve(FleetContainers.POSTGRES_DOCKERFILE));
        assertThat(dockerfile.lines().filter(line -> line.startsWith("FROM "))).containsExactly("FROM " + FleetContainers.POSTGRES_IMAGE);
        assertThat(dockerfile).contains("\"postgresql-${PG_MAJOR}-pgaudit=${PG_MAJOR}.*\"", "\"pgbackrest=2.*\"");
        assertThat(Yaml.at(services, "tls.image")).isEqualTo(FleetContainers.POSTGRES_IMAGE);
    }

    /**
     * Proves: compose's Postgres has the local stack's server settings (postgres.sh's fleet.conf,
     * pgaudit's included, and backup.sh's archive settings) but for those that cannot or need
     * not apply in a container, each named here with why; it runs every service's own superuser
     * steps (db/bootstrap) with ./fleet up's variables, then postgres.sh's pgaudit steps
     * (pg_configure_audit): superusers audited in full, the extension in every database.
     */
    @Test
    void postgresHasTheLocalStacksSettingsAndBootstrap(@TempDir Path stubs) throws Exception {
        Map<String, String> local = Devstack.heredocSettings("postgres.sh", "cat >\"$data/fleet.conf\" <<EOF", "\nEOF");
        Map<String, String> notInCompose = Map.ofEntries(
                Map.entry("listen_addresses", "the image listens on every interface of its container"),
                Map.entry("port", "the image's 5432, published on the local stack's port"),
                Map.entry("unix_socket_directories", "the image's"),
                Map.entry("ssl_cert_file", "compose's certificate: checked in ComposeFileTest"),
                Map.entry("ssl_key_file", "compose's key: checked in ComposeFileTest"));
        Map<String, String> composed = new LinkedHashMap<>();
        List<Object> command = Yaml.list(Yaml.at(services, "postgres.command"));
        for (int i = 0; i + 1 < command.size(); i++) {
            if ("-c".equals(command.get(i))) {
                String[] setting = ((String) command.get(i + 1)).split("=", 2);
                composed.put(setting[0], setting[1]);
            }
        }
        assertThat(local).as("postgres.sh's fleet.conf loads pgaudit").containsKeys("shared_preload_libraries", "pgaudit.log");
        for (Map.Entry<String, String> setting : local.entrySet()) {
            if (setting.getKey().contains("$") || notInCompose.containsKey(setting.getKey())) {
                continue;
            }
            assertThat(composed).as("postgres.sh's %s", setting.getKey())
                    .containsEntry(setting.getKey(), setting.getValue().replace("'", ""));
        }
        assertThat(local.keySet()).as("postgres.sh's settings still named as in this test").containsAll(notInCompose.keySet());

        // backup.sh's backup_archive_settings: archiving on, through pgBackRest with compose's
        // configuration file and backup.sh's stanza, the same archive_timeout.
        Map<String, String> archive = Devstack.heredocSettings("backup.sh", "backup_archive_settings() {", "\nEOF");
        assertThat(archive).containsKeys("archive_mode", "archive_command", "archive_timeout");
        assertThat(composed).containsEntry("archive_mode", archive.get("archive_mode"))
                .containsEntry("archive_timeout", Devstack.find(Devstack.read(Devstack.bin("backup.sh")),
                        "FLEET_BACKUP_ARCHIVE_TIMEOUT=\"\\$\\{FLEET_BACKUP_ARCHIVE_TIMEOUT:-([0-9]+)}\"", "backup.sh"))
                .containsEntry("archive_command", "pgbackrest --config=/fleet/pgbackrest/pgbackrest.conf --stanza="
                        + Devstack.version("backup.sh", "FLEET_BACKUP_STANZA") + " archive-push %p");
        assertThat(archive.get("archive_command")).matches("'\\$bin --config=\\$\\(backup_own_conf\\) --stanza=\\$FLEET_BACKUP_STANZA archive-push %p'");

        // The services' superuser steps: mounted per service, run by postgres-bootstrap.sh.
        List<Object> volumes = Yaml.list(Yaml.at(services, "postgres.volumes"));
        assertThat(volumes).contains("./platform/devstack/src/main/resources/compose/postgres-bootstrap.sh:/docker-entrypoint-initdb.d/20-postgres-bootstrap.sh:ro");
        assertThat(Devstack.servicesWithBootstrap()).isNotEmpty();
        Path bootstrap = stubs.resolve("bootstrap");
        for (String service : Devstack.servicesWithBootstrap()) {
            assertThat(volumes).contains("./services/" + service + "/src/main/resources/db/bootstrap:/fleet/bootstrap/" + service + ":ro");
            Path source = Fleet.root().resolve("services").resolve(service).resolve("src/main/resources/db/bootstrap");
            Files.createDirectories(bootstrap.resolve(service));
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, bootstrap.resolve(service).resolve(file.getFileName()));
                }
            }
        }
        assertThat(environment("postgres")).containsEntry("FLEET_BOOTSTRAP", "/fleet/bootstrap");
        Path calls = stubs.resolve("psql.calls");
        Path psql = stubs.resolve("bin/psql");
        Files.createDirectories(psql.getParent());
        Files.writeString(psql, "#!/bin/bash\nprintf '%s\\n' \"$*\" >>" + calls + "\n");
        psql.toFile().setExecutable(true);
        run(Map.of("FLEET_BOOTSTRAP", bootstrap.toString(), "PATH", psql.getParent() + ":" + System.getenv("PATH"),
                        "FLEET_SERVICES", environment("postgres").get("FLEET_SERVICES"),
                        "FLEET_AUDIT_SQL", Devstack.resource("postgres/audit-superusers.sql").toString()),
                "bash", resource("compose/postgres-bootstrap.sh"));
        List<String> ran = Files.readAllLines(calls);
        for (String service : Devstack.servicesWithBootstrap()) {
            assertThat(String.join("\n", ran)).contains("reporting_password=" + Fleet.rolePrefix(service) + "_reporting_dev", "/" + service + "/");
        }
        // postgres.sh's pg_configure_audit: after the bootstrap steps, the same SQL file, then
        // the extension in the maintenance database and every service's database.
        int audit = ran.indexOf(ran.stream().filter(line -> line.endsWith("-f " + Devstack.resource("postgres/audit-superusers.sql")))
                .findFirst().orElseThrow(() -> new AssertionError("audit-superusers.sql was not run: " + ran)));
        assertThat(ran.subList(0, audit)).allMatch(line -> line.contains("reporting_password="));
        String postgresSh = Devstack.read(Devstack.bin("postgres.sh"));
        assertThat(postgresSh).contains("\"$FLEET_RESOURCES/postgres/audit-superusers.sql\"", "CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog");
        List<String> composeServices = List.of(environment("postgres").get("FLEET_SERVICES").split(" "));
        assertThat(composeServices).containsExactlyInAnyOrderElementsOf(Fleet.servicesConf().keySet());
        List<String> databases = new ArrayList<>(List.of("postgres"));
        composeServices.forEach(service -> databases.add(Fleet.rolePrefix(service)));
        assertThat(ran.subList(audit + 1, ran.size())).containsExactlyElementsOf(databases.stream()
                .map(database -> "-X -q -v ON_ERROR_STOP=1 --username postgres --dbname " + database
                        + " -c CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog").toList());
    }

    /**
     * Proves: compose archives Postgres's WAL as ./fleet up does (backup.sh): the
     * postgres-backup one-shot, run here with pgBackRest and pg_controldata stubbed, writes a
     * pgbackrest.conf with every key backup_write_conf writes and its values (but the
     * addresses: compose's object store by its name and port, compose's CA, the tls one-shot's
     * access key), the repository in the bucket object-store.sh makes (the object store's
     * script makes it in compose), encrypted with a passphrase made once, under the cluster's
     * system identifier; then stanza-create and check. It runs after Postgres and the object
     * store answer, shares the server's data directory, socket and configuration volume, and
     * every service waits for it.
     */
    @Test
    void postgresBackupWritesBackupShsConfiguration(@TempDir Path work) throws Exception {
        Path bin = work.resolve("bin");
        Files.createDirectories(bin);
        Path calls = work.resolve("pgbackrest.calls");
        Files.writeString(bin.resolve("pgbackrest"), "#!/bin/bash\nprintf '%s\\n' \"$*\" >>" + calls + "\n");
        Files.writeString(bin.resolve("pg_controldata"), "#!/bin/bash\necho 'Database system identifier:           7312345678901234567'\n");
        bin.resolve("pgbackrest").toFile().setExecutable(true);
        bin.resolve("pg_controldata").toFile().setExecutable(true);
        Map<String, String> environment = new HashMap<>(environment("postgres-backup"));
        environment.putAll(Map.of("PATH", bin + ":" + System.getenv("PATH"), "FLEET_TLS", generated.resolve("tls").toString(),
                "FLEET_PG_RUN_AS", "", "FLEET_PG_OWNER", ""));
        Path home = work.resolve("pgbackrest");
        List<Object> entrypoint = Yaml.list(Yaml.at(services, "postgres-backup.entrypoint"));
        assertThat(entrypoint).containsExactly("bash", "/fleet/compose/postgres-backup.sh", "/fleet/pgbackrest");
        run(environment, "bash", resource("compose/postgres-backup.sh"), home.toString());
        String passphrase = Files.readString(home.resolve("repository-passphrase"));
        assertThat(passphrase).matches("[A-Za-z0-9]{64}");

        Map<String, String> local = Devstack.heredocSettings("backup.sh", "cat >\"$conf.tmp\" <<EOF", "\nEOF");
        Map<String, String> composed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(home.resolve("pgbackrest.conf"))) {
            if (line.matches("^[a-z0-9-]+=.*")) {
                composed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(composed.keySet()).containsExactlyInAnyOrderElementsOf(local.keySet());
        Map<String, String> expected = new LinkedHashMap<>();
        local.forEach((key, value) -> {
            if (!value.contains("$")) {
                expected.put(key, value);
            }
        });
        expected.put("repo1-s3-endpoint", "object-store");
        expected.put("repo1-storage-port", "9443");
        expected.put("repo1-s3-region", Devstack.version("object-store.sh", "FLEET_OBJECT_STORE_REGION"));
        expected.put("repo1-s3-key", Files.readString(generated.resolve("tls/object-store/access-key")));
        expected.put("repo1-s3-key-secret", Files.readString(generated.resolve("tls/object-store/secret-key")));
        expected.put("repo1-storage-ca-file", generated.resolve("tls/ca.crt").toString());
        expected.put("repo1-path", "/cluster-7312345678901234567");
        expected.put("repo1-cipher-pass", passphrase);
        expected.put("repo1-retention-full", Devstack.find(Devstack.read(Devstack.bin("backup.sh")),
                "FLEET_BACKUP_RETENTION_FULL=\"\\$\\{FLEET_BACKUP_RETENTION_FULL:-([0-9]+)}\"", "backup.sh"));
        expected.put("log-path", home.resolve("log").toString());
        expected.put("lock-path", home.resolve("lock").toString());
        expected.put("spool-path", home.resolve("spool").toString());
        expected.put("pg1-path", "/var/lib/postgresql/data");
        expected.put("pg1-port", "5432");
        expected.put("pg1-socket-path", "/var/run/postgresql");
        assertThat(composed).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(local).containsEntry("repo1-s3-bucket", "fleet-backups").containsEntry("repo1-cipher-type", "aes-256-cbc")
                .containsEntry("repo1-path", "/cluster-$system_id");
        String stanza = Devstack.version("backup.sh", "FLEET_BACKUP_STANZA");
        assertThat(Files.readAllLines(home.resolve("pgbackrest.conf"))).contains("[" + stanza + "]");
        assertThat(Files.getPosixFilePermissions(home.resolve("pgbackrest.conf"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String conf = "--config=" + home.resolve("pgbackrest.conf");
        assertThat(Files.readAllLines(calls)).containsExactly(
                conf + " --stanza=" + stanza + " --log-level-console=info stanza-create",
                conf + " --stanza=" + stanza + " --log-level-console=info --archive-timeout=30 check");
        // Run again: the passphrase is kept (a new one would lose the repository).
        run(environment, "bash", resource("compose/postgres-backup.sh"), home.toString());
        assertThat(Files.readString(home.resolve("repository-passphrase"))).isEqualTo(passphrase);

        // The bucket: made by compose's object store as object-store.sh makes it.
        assertThat(Devstack.find(Devstack.read(Devstack.bin("object-store.sh")), "^FLEET_OBJECT_STORE_BUCKETS=\\(([^)]*)\\)", "object-store.sh"))
                .isEqualTo(environment("object-store").get("OBJECT_STORE_BUCKETS")).isEqualTo(local.get("repo1-s3-bucket"));
        Map<String, String> storeEnvironment = new HashMap<>(environment("object-store"));
        storeEnvironment.put("FLEET_TLS", generated.resolve("tls").toString());
        storeEnvironment.put("OBJECT_STORE_DATA", work.resolve("store").toString());
        run(storeEnvironment, "bash", resource("compose/object-store-server.sh"), work.resolve("s3proxy.conf").toString());
        assertThat(work.resolve("store/fleet-backups")).isDirectory();

        // Wiring: after Postgres (healthy) and the object store; the server's data directory,
        // socket and the configuration volume its archive_command reads; services wait for it.
        assertThat(Yaml.at(services, "postgres-backup.depends_on.postgres.condition")).isEqualTo("service_healthy");
        assertThat(Yaml.at(services, "postgres-backup.depends_on.object-store.condition")).isEqualTo("service_healthy");
        assertThat(Yaml.list(Yaml.at(services, "postgres-backup.volumes"))).contains(
                "postgres-data:" + expected.get("pg1-path") + ":ro", "postgres-socket:" + expected.get("pg1-socket-path"),
                "pgbackrest:/fleet/pgbackrest", "fleet-tls:/fleet/tls:ro");
        assertThat(Yaml.list(Yaml.at(services, "postgres.volumes"))).contains(
                "postgres-data:" + expected.get("pg1-path"), "postgres-socket:" + expected.get("pg1-socket-path"),
                "pgbackrest:/fleet/pgbackrest");
        assertThat(listeningPorts("object-store")).contains(expected.get("repo1-storage-port"));
        for (String service : Fleet.servicesConf().keySet()) {
            assertThat(Yaml.at(services, service + ".depends_on.postgres-backup.condition")).as(service)
                    .isEqualTo("service_completed_successfully");
        }
    }

    // --- Redis --------------------------------------------------------------------------------

    /**
     * Proves: compose's Redis renders the same ACL file as ./fleet up (redis.sh's
     * redis_render_acl, run here), runs with the same redis.conf (persistence: AOF and RDB)
     * into a named volume, and with every option redis.sh gives redis-server on its command
     * line but process management (TLS only: port 0 and a TLS port, certificate, CA, ACL file).
     */
    @Test
    void redisRunsAsRedisShRunsIt(@TempDir Path work) throws Exception {
        Path template = Devstack.resource("redis/users.acl.template");
        run(Map.of(), "bash", resource("compose/redis-server.sh"), template.toString(), work.resolve("compose.acl").toString());
        run(Map.of("FLEET_HOME", work.resolve("home").toString()), "bash", "-c",
                "source \"$0/common.sh\" && source \"$0/redis.sh\" && FLEET_RESOURCES=\"$1\" && redis_render_acl",
                Devstack.bin("").toString(), Devstack.resource("").toString());
        assertThat(Files.readString(work.resolve("compose.acl"))).isEqualTo(Files.readString(work.resolve("home/redis/users.acl")))
                .contains("user tenant on #").doesNotContain("fleet-dev-redis");

        List<String> command = Yaml.list(Yaml.at(services, "redis.command")).stream().map(String::valueOf).toList();
        assertThat(command.subList(0, 5)).containsExactly("bash", "/fleet/compose/redis-server.sh", "/fleet/redis/users.acl.template", "/tmp/users.acl", "--");
        assertThat(command.subList(5, 7)).containsExactly("redis-server", "/fleet/redis/redis.conf");
        Map<String, String> composed = composeOptions(command.subList(7, command.size()).stream().map(Object.class::cast).toList());
        Map<String, String> local = Devstack.options("redis.sh", "redis-server \"$conf\"");
        for (String option : local.keySet()) {
            if (!Set.of("--daemonize", "--pidfile", "--logfile").contains(option)) {
                assertThat(composed).as("redis-server option %s of redis.sh", option).containsKey(option);
            }
        }
        assertThat(composed).containsEntry("--port", "0").containsEntry("--aclfile", "/tmp/users.acl");
        assertThat(listeningPorts("redis")).contains(composed.get("--tls-port"));
        checkTlsFiles("redis", composed.get("--tls-cert-file"), composed.get("--tls-key-file"));
        assertThat(Yaml.list(Yaml.at(services, "redis.volumes"))).contains(
                "./platform/devstack/src/main/resources/redis/redis.conf:/fleet/redis/redis.conf:ro",
                "./platform/devstack/src/main/resources/redis/users.acl.template:/fleet/redis/users.acl.template:ro",
                "redis-data:" + composed.get("--dir"));
        assertThat(Yaml.map(compose.get("volumes"))).containsKey("redis-data");
        assertThat(Files.readAllLines(Devstack.resource("redis/redis.conf"))).contains("appendonly yes").anyMatch(line -> line.startsWith("save "));
        assertThat((String) Yaml.list(Yaml.at(services, "redis.healthcheck.test")).get(1)).contains("--tls", "--cacert /fleet/tls/ca.crt");
    }

    // --- Kafka --------------------------------------------------------------------------------

    /**
     * Proves: compose's Kafka runs the local stack's server.properties (the same file, rendered
     * by kafka-server.sh here) changed only in its addresses: every listener SASL_SSL, the
     * client listeners SCRAM-SHA-512, the keystore and CA from the tls one-shot, the host's
     * listener advertised on the published 127.0.0.1 port and the containers' on kafka:9092.
     */
    @Test
    void kafkaRunsTheLocalStacksConfiguration(@TempDir Path work) throws Exception {
        Path template = Devstack.resource("kafka/server.properties");
        List<String> entrypoint = Yaml.list(Yaml.at(services, "kafka.entrypoint")).stream().map(String::valueOf).toList();
        assertThat(entrypoint.subList(0, 3)).containsExactly("bash", "/fleet/compose/kafka-server.sh", "/fleet/kafka/server.properties");
        assertThat(Yaml.list(Yaml.at(services, "kafka.volumes"))).contains(
                "./platform/devstack/src/main/resources/kafka/server.properties:/fleet/kafka/server.properties:ro", "kafka-data:/var/lib/kafka/data");
        Map<String, String> environment = environment("kafka");
        Map<String, String> scriptEnvironment = new HashMap<>(environment);
        scriptEnvironment.put("FLEET_TLS", generated.resolve("tls").toString());
        run(scriptEnvironment, "bash", resource("compose/kafka-server.sh"), template.toString(), work.toString());

        Properties local = properties(template);
        Properties rendered = properties(work.resolve("server.properties"));
        Set<String> addresses = Set.of("listeners", "advertised.listeners", "listener.security.protocol.map", "controller.quorum.voters");
        for (String key : local.stringPropertyNames()) {
            if (!addresses.contains(key) && !local.getProperty(key).contains("@")) {
                assertThat(rendered.getProperty(key)).as("server.properties' %s", key).isEqualTo(local.getProperty(key));
            }
        }
        assertThat(rendered.getProperty("log.dirs")).isEqualTo(environment.get("KAFKA_DATA_DIR")).isEqualTo("/var/lib/kafka/data");
        Map<String, String> protocols = new LinkedHashMap<>();
        for (String pair : rendered.getProperty("listener.security.protocol.map").split(",")) {
            protocols.put(pair.split(":")[0], pair.split(":")[1]);
        }
        assertThat(protocols.values()).as("every listener TLS and SASL").containsOnly("SASL_SSL");
        for (String listener : rendered.getProperty("listeners").split(",")) {
            String name = listener.split(":")[0];
            assertThat(protocols).containsKey(name);
            if (!name.equals(rendered.getProperty("controller.listener.names"))) {
                assertThat(rendered.getProperty("listener.name." + name.toLowerCase(java.util.Locale.ROOT) + ".sasl.enabled.mechanisms"))
                        .as("listener %s", name).isEqualTo("SCRAM-SHA-512");
                assertThat(rendered.getProperty("listener.name." + name.toLowerCase(java.util.Locale.ROOT) + ".scram-sha-512.sasl.jaas.config")).isNotBlank();
            }
        }
        assertThat(rendered.getProperty("advertised.listeners")).contains("://kafka:9092", "://127.0.0.1:" + environment.get("FLEET_KAFKA_PORT"));
        assertThat(listeningPorts("kafka")).contains("9092");
        assertThat(Yaml.list(Yaml.at(services, "kafka.ports"))).contains("127.0.0.1:${FLEET_KAFKA_PORT:-19092}:19092");
        assertThat(rendered.getProperty("listeners")).contains("HOST://0.0.0.0:19092");
        assertThat(Path.of(rendered.getProperty("ssl.keystore.location"))).isEqualTo(generated.resolve("tls/kafka.p12"));
        assertThat(Path.of(rendered.getProperty("ssl.truststore.location"))).isEqualTo(generated.resolve("tls/ca.crt"));
        assertThat(rendered.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        assertThat(properties(work.resolve("admin.properties"))).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    /**
     * Proves: the kafka-acls one-shot applies acls.conf (the same file, mounted) as ./fleet up
     * does: run here with Kafka's tools stubbed, its calls create each principal of the file
     * with the password the services' dev profile sends (platform/outbox), and exactly the
     * bindings platform/testing's KafkaAcls reads from the file for the stack (empty prefix).
     */
    @Test
    void kafkaAclsApplyAclsConf(@TempDir Path work) throws Exception {
        Path acls = Devstack.resource("kafka/acls.conf");
        assertThat(Yaml.list(Yaml.at(services, "kafka-acls.volumes"))).contains(
                "./platform/devstack/src/main/resources/kafka/acls.conf:/fleet/kafka/acls.conf:ro");
        assertThat(Yaml.list(Yaml.at(services, "kafka-acls.entrypoint"))).containsExactly("bash", "/fleet/compose/kafka-acls.sh", "/fleet/kafka/acls.conf");
        Path calls = work.resolve("calls");
        for (String tool : List.of("kafka-acls.sh", "kafka-configs.sh")) {
            Path stub = work.resolve("bin").resolve(tool);
            Files.createDirectories(stub.getParent());
            Files.writeString(stub, "#!/bin/bash\n{ printf '%s\\n' '" + tool + "' \"$@\"; printf '%s\\n' '----'; } >>" + calls + "\n");
            stub.toFile().setExecutable(true);
        }
        run(Map.of("KAFKA_BIN", work.resolve("bin").toString(), "FLEET_TLS", generated.resolve("tls").toString()),
                "bash", resource("compose/kafka-acls.sh"), acls.toString());

        Set<String> granted = new TreeSet<>();
        Map<String, String> scram = new LinkedHashMap<>();
        for (String call : Files.readString(calls).split("----\n")) {
            List<String> words = List.of(call.split("\n"));
            assertThat(words).containsSubsequence("--bootstrap-server", "kafka:9092").contains("--command-config");
            if (words.get(0).equals("kafka-configs.sh")) {
                scram.put(words.get(words.indexOf("--entity-name") + 1), words.get(words.indexOf("--add-config") + 1));
                continue;
            }
            String principal = words.get(words.indexOf("--allow-principal") + 1).replace("User:", "");
            String pattern = words.get(words.indexOf("--resource-pattern-type") + 1).toUpperCase(java.util.Locale.ROOT);
            List<String> operations = new ArrayList<>();
            List<String> resources = new ArrayList<>();
            for (int i = 0; i + 1 < words.size(); i++) {
                switch (words.get(i)) {
                    case "--operation" -> operations.add(words.get(i + 1));
                    case "--topic" -> resources.add("TOPIC " + words.get(i + 1));
                    case "--group" -> resources.add("GROUP " + words.get(i + 1));
                    default -> { }
                }
            }
            for (String resource : resources) {
                for (String operation : operations) {
                    granted.add(principal + " " + resource + " " + pattern + " " + operation);
                }
            }
        }
        List<KafkaAcls.Binding> bindings = KafkaAcls.read(acls);
        Set<String> expected = bindings.stream().flatMap(binding -> binding.operations().stream().map(operation ->
                        binding.principal() + " " + binding.resource() + " " + binding.name().replace("{p}", "") + " "
                                + binding.pattern() + " " + operation))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(granted).isEqualTo(expected);

        ServiceSettings outbox = new ServiceSettings("tenant", List.of(PROFILES.split(",")));
        for (String principal : KafkaAcls.principals(bindings)) {
            String jaas = outbox.fileValue("kafka.sasl.jaas.config").value().replace("${quarkus.application.name}", principal);
            String password = Devstack.find(jaas, "password=\"([^\"]+)\"", "platform/outbox's %dev kafka.sasl.jaas.config");
            assertThat(scram).as("principal %s", principal).containsEntry(principal, "SCRAM-SHA-512=[password=" + password + "]");
        }
        assertThat(scram.keySet()).containsExactlyInAnyOrderElementsOf(Fleet.servicesConf().keySet());
    }

    // --- The object store -----------------------------------------------------------------------

    /**
     * Proves: compose's s3proxy gets the settings object-store.sh writes (every key; the same
     * authorization and backend; HTTPS only on the port compose publishes), with the keystore
     * and credentials the tls one-shot made.
     */
    @Test
    void objectStoreRunsAsObjectStoreShRunsIt(@TempDir Path work) throws Exception {
        Map<String, String> local = Devstack.heredocSettings("object-store.sh", "cat >\"$conf.tmp\" <<EOF", "\nEOF");
        Map<String, String> environment = environment("object-store");
        Map<String, String> scriptEnvironment = new HashMap<>(environment);
        scriptEnvironment.put("FLEET_TLS", generated.resolve("tls").toString());
        scriptEnvironment.put("OBJECT_STORE_DATA", work.resolve("data").toString());
        run(scriptEnvironment, "bash", resource("compose/object-store-server.sh"), work.resolve("s3proxy.conf").toString());
        Properties rendered = properties(work.resolve("s3proxy.conf"));
        assertThat(rendered.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(local.keySet());
        local.forEach((key, value) -> {
            if (!value.contains("$")) {
                assertThat(rendered.getProperty(key)).as(key).isEqualTo(value);
            }
        });
        assertThat(rendered.getProperty("s3proxy.identity")).isEqualTo(Files.readString(generated.resolve("tls/object-store/access-key")));
        assertThat(rendered.getProperty("s3proxy.keystore-path")).isEqualTo(generated.resolve("tls/object-store.p12").toString());
        Matcher endpoint = Pattern.compile("^https://[^:]+:([0-9]+)$").matcher(rendered.getProperty("s3proxy.secure-endpoint"));
        assertThat(endpoint.matches()).as("HTTPS only").isTrue();
        assertThat(listeningPorts("object-store")).contains(endpoint.group(1));
        assertThat(Yaml.list(Yaml.at(services, "object-store.volumes"))).contains("object-store-data:" + environment.get("OBJECT_STORE_DATA"));
        List<Object> entrypoint = Yaml.list(Yaml.at(services, "object-store.entrypoint"));
        assertThat(entrypoint.subList(0, 4)).containsExactly("bash", "/fleet/compose/object-store-server.sh", "/tmp/s3proxy.conf", "--");
        assertThat(entrypoint).endsWith("--properties", "/tmp/s3proxy.conf");
    }

    // --- Helpers --------------------------------------------------------------------------------

    /** A compose service's environment as written (merge keys resolved), values as strings. */
    static Map<String, String> rawEnvironment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = Yaml.map(services.get(service)).get("environment");
        if (declared != null) {
            Yaml.map(declared).forEach((name, value) -> environment.put(name, String.valueOf(value)));
        }
        return environment;
    }

    /** The environment as `docker compose up` gives it without any variable set: ${NAME:-default} is the default. */
    static Map<String, String> environment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        rawEnvironment(service).forEach((name, value) -> environment.put(name, interpolate(value)));
        return environment;
    }

    static String interpolate(String value) {
        Matcher matcher = COMPOSE_VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(matcher.group(2) == null ? "" : matcher.group(2)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** The compose services a service waits for. */
    static Set<String> dependencies(String service) {
        Object dependsOn = Yaml.map(services.get(service)).get("depends_on");
        return dependsOn == null ? Set.of() : new LinkedHashSet<>(Yaml.map(dependsOn).keySet());
    }

    /** The ports a compose service listens on inside compose: published (container side), exposed, a service's HTTP port. */
    static Set<String> listeningPorts(String service) {
        Map<String, Object> definition = Yaml.map(services.get(service));
        Set<String> ports = new LinkedHashSet<>();
        for (Object port : Yaml.list(definition.getOrDefault("ports", List.of()))) {
            String[] parts = interpolate((String) port).split(":");
            ports.add(parts[parts.length - 1]);
        }
        for (Object port : Yaml.list(definition.getOrDefault("expose", List.of()))) {
            ports.add(String.valueOf(port));
        }
        String http = environment(service).get("QUARKUS_HTTP_PORT");
        if (http != null) {
            ports.add(http);
        }
        return ports;
    }

    /** The host port compose publishes a container port of a service on. */
    static String publishedPort(String service, String containerPort) {
        for (Object port : Yaml.list(Yaml.at(services, service + ".ports"))) {
            String[] parts = interpolate((String) port).split(":");
            if (parts[parts.length - 1].equals(containerPort)) {
                return parts[parts.length - 2];
            }
        }
        throw new AssertionError(service + " does not publish " + containerPort);
    }

    /** --name=value or --name value options of a compose command, values interpolated. */
    static Map<String, String> composeOptions(List<Object> command) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < command.size(); i++) {
            String word = interpolate(String.valueOf(command.get(i)));
            if (!word.startsWith("--")) {
                continue;
            }
            if (word.contains("=")) {
                options.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            } else if (i + 1 < command.size() && !String.valueOf(command.get(i + 1)).startsWith("--")) {
                options.put(word, interpolate(String.valueOf(command.get(++i))));
            } else {
                options.put(word, "");
            }
        }
        return options;
    }

    static String keycloakOption(String name) {
        return composeOptions(Yaml.list(Yaml.at(services, "keycloak.command"))).get(name);
    }

    static String realmName() {
        return Devstack.find(Devstack.read(Devstack.resource("keycloak/aicunet-realm.json")), "\"realm\"\\s*:\\s*\"([^\"]+)\"", "aicunet-realm.json");
    }

    /** A server's certificate and key are files the tls one-shot writes, in the fleet-tls volume the server mounts. */
    static void checkTlsFiles(String server, String certificate, String key) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> definition = Yaml.map(services.get(server));
        checkPath(server + " certificate", definition, certificate, problems);
        checkPath(server + " key", definition, key, problems);
        assertThat(problems).isEmpty();
        assertThat(certificate).isEqualTo("/fleet/tls/" + server + ".crt");
        assertThat(key).isEqualTo("/fleet/tls/" + server + ".key");
    }

    static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    static String resource(String path) {
        return Devstack.resource(path).toString();
    }

    static String run(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
        return output;
    }

    static {
        // Fails early and clearly where a helper above meets a file it cannot read.
        if (!Files.isDirectory(Fleet.root().resolve("platform/devstack"))) {
            throw new UncheckedIOException(new IOException("no platform/devstack under " + Fleet.root()));
        }
    }
}
