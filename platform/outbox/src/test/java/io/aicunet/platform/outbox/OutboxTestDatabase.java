package io.aicunet.platform.outbox;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.TestDatabase;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import liquibase.Liquibase;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * A database with the outbox tables (and TenantSweep's cursor table), migrated by the owner role from the changelog
 * services include, and a reactive pool as the app role.
 */
final class OutboxTestDatabase implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    final TestDatabase database;
    final Vertx vertx = Vertx.vertx();
    final Pool pool;
    final String topicPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    OutboxTestDatabase() throws Exception {
        database = TestDatabase.create("outbox-test");
        try (Connection connection = database.connectAsOwner()) {
            new Liquibase("db/changelog/platform/outbox.yaml", new ClassLoaderResourceAccessor(),
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection)))
                    .update("");
            new Liquibase("db/changelog/platform/tenant-sweeps.yaml", new ClassLoaderResourceAccessor(),
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection)))
                    .update("");
        }
        PgConnectOptions options = new PgConnectOptions()
                .setHost(FleetStack.host())
                .setPort(FleetStack.postgresPort())
                .setDatabase(database.name())
                .setUser(database.appUser())
                .setPassword(database.appPassword())
                // As the services connect: TLS, the stack's CA, the host name checked (docs/tls.md).
                .setSslMode(SslMode.VERIFY_FULL);
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.setPemTrustOptions(new PemTrustOptions().addCertPath(FleetStack.caCertificate().toString()));
        pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(options)
                .using(vertx)
                .build();
    }

    Outbox outbox() {
        return outbox("/aicunet/outbox-test", topicPrefix);
    }

    /** An outbox writing as {@code source}, its topics under {@code topicPrefix}, with the defaults' limits (the relay flag only matters to the scheduler, which tests do not run). */
    static Outbox outbox(String source, String topicPrefix) {
        return new Outbox(new OutboxConfig() {
            @Override
            public String source() {
                return source;
            }

            @Override
            public Optional<String> topicPrefix() {
                return Optional.of(topicPrefix);
            }

            @Override
            public boolean relayEnabled() {
                return true;
            }

            @Override
            public long pollIntervalMillis() {
                return 200;
            }

            @Override
            public int batchSize() {
                return 100;
            }

            @Override
            public int passBatchesMax() {
                return 10;
            }

            @Override
            public int metadataWaitMillis() {
                return 10_000;
            }

            @Override
            public int deliveryTimeoutMillis() {
                return 30_000;
            }

            @Override
            public long healthyLagSecondsMax() {
                return 300;
            }
        });
    }

    /**
     * Appends {@code perTenant} events for each tenant, one transaction per event,
     * interleaving tenants; returns them in commit order.
     */
    List<OutboxEvent> appendEvents(List<TenantId> tenants, int perTenant, String topic) {
        Outbox outbox = outbox();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < perTenant; i++) {
            for (TenantId tenant : tenants) {
                OutboxEvent event = outbox.event(topic, tenant, "aggregate-" + i,
                        com.google.protobuf.StringValue.of("event " + i + " of " + tenant));
                pool.withTransaction(connection -> outbox.append(connection, event)).await().atMost(WAIT);
                events.add(event);
            }
        }
        return events;
    }

    long waiting() {
        return pool.query("SELECT count(*) AS waiting FROM outbox_events").execute()
                .map(rows -> rows.iterator().next().getLong("waiting"))
                .await().atMost(WAIT);
    }

    <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    @Override
    public void close() {
        pool.closeAndAwait();
        vertx.closeAndAwait();
        database.drop();
    }
}
