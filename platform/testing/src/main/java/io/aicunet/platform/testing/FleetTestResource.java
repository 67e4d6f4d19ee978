package io.aicunet.platform.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Points a Quarkus application under test at the real local stack: a database of
 * its own (migrated by the owner role, used by the app role), its own Kafka topic
 * prefix, the stack's Redis and OPA, and the stack's S3 object store for privacy export
 * bundles and erasure tombstones ({@link StackObjectStore}: the tests' bucket, the run's
 * own tombstones prefix). Arguments: {@code service} (required) and
 * {@code tenantService=true} to run the real tenant service beside it
 * ({@link TenantServiceProcess}: tenants, their data keys, privacy requests).
 *
 * <p>Tests reach the same database and topics through {@link #database()} and
 * {@link #topicPrefix()}, and the object store through the application's own
 * {@code ObjectStore} bean (platform/privacy), as the services write it.
 */
public class FleetTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TestDatabase database;
    private static volatile String topicPrefix;
    private static volatile Path objectStoreDirectory;

    private String service;
    private boolean tenantService;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.get("service");
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("FleetTestResource needs the init argument 'service'");
        }
        tenantService = Boolean.parseBoolean(initArgs.getOrDefault("tenantService", "false"));
    }

    @Override
    public Map<String, String> start() {
        // Before the service starts: it fetches the issuer's keys at the first token it verifies.
        ForgedTokens.registerIfPossible();
        database = TestDatabase.create(service);
        topicPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FleetStack.grantKafkaRun(topicPrefix);
        Map<String, String> config = new HashMap<>(FleetStack.identitySettings());
        // The application serves TLS only (the test profile inherits service-tls), with the
        // certificate the service processes of this JVM present; this JVM trusts their CA.
        config.put(ServiceTls.DIRECTORY_SETTING, ServiceProcess.tlsDirectory().toString());
        ServiceTls.trustStackCaInThisJvm();
        config.put("quarkus.datasource.reactive.url", database.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        config.putAll(FleetStack.caSettings());
        config.put("quarkus.datasource.username", database.appUser());
        config.put("quarkus.datasource.password", database.appPassword());
        config.put("quarkus.liquibase.username", database.ownerUser());
        config.put("quarkus.liquibase.password", database.ownerPassword());
        // The reporting datasource (ledger, audit): the run's database, as its reporting role.
        config.putAll(ReportingRoles.settings(database));
        config.put("kafka.bootstrap.servers", FleetStack.kafkaBootstrapServers());
        config.put("aicunet.outbox.topic-prefix", topicPrefix);
        config.put("aicunet.policy.opa-url", FleetStack.opaUrl());
        config.putAll(StackObjectStore.settings(tombstonesPrefix()));
        // As the service's own ACL user, so that its tests run under its real Redis permissions.
        config.put("quarkus.redis.hosts", StackRedis.hosts(service));
        config.put("quarkus.redis.password", StackRedis.password(service));
        if (tenantService) {
            ServiceProcess tenant = TenantServiceProcess.start(service, topicPrefix);
            config.put("quarkus.grpc.clients.tenant-keys.host", FleetStack.host());
            config.put("quarkus.grpc.clients.tenant-keys.port", Integer.toString(tenant.port()));
            // In test mode a Quarkus gRPC client dials test-port (by default the app's own server).
            config.put("quarkus.grpc.clients.tenant-keys.test-port", Integer.toString(tenant.port()));
            // The peer serves TLS only: verified against the stack's CA, as in service-tls.
            config.put("quarkus.grpc.clients.tenant-keys.plain-text", "false");
            config.put("quarkus.grpc.clients.tenant-keys.ssl.trust-store", FleetStack.caCertificate().toString());
        }
        return config;
    }

    @Override
    public void stop() {
        if (tenantService) {
            TenantServiceProcess.stop();
        }
        if (database != null) {
            database.drop();
        }
    }

    /** The database of the application under test. */
    public static TestDatabase database() {
        if (database == null) {
            throw new IllegalStateException("FleetTestResource has not started");
        }
        return database;
    }

    /**
     * A local directory for processes a test starts itself with a {@code kind=directory}
     * store ({@link ServiceProcess#fleetSettings(TestDatabase, String, Path)}); created on first
     * use. The application under test and its tenant service use the stack's S3 store, not
     * this: processes that must share their objects take
     * {@link ServiceProcess#fleetSettings(TestDatabase, String)} with {@link #topicPrefix()}.
     */
    public static synchronized Path objectStoreDirectory() {
        topicPrefix();
        if (objectStoreDirectory == null) {
            try {
                objectStoreDirectory = Files.createTempDirectory("aicunet-objects-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a test object store directory", e);
            }
        }
        return objectStoreDirectory;
    }

    /** Where the run's erasure tombstones are in the stack's object store (named after its topics). */
    public static String tombstonesPrefix() {
        return StackObjectStore.tombstonesPrefix(topicPrefix());
    }

    /** The prefix of every topic the application under test writes. */
    public static String topicPrefix() {
        if (topicPrefix == null) {
            throw new IllegalStateException("FleetTestResource has not started");
        }
        return topicPrefix;
    }
}
