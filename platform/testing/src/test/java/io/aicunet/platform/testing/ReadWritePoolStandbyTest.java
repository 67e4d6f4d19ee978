package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aicunet.platform.tenancy.database.ReadWritePoolCreator;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves, against the HA stack's real pair (a primary and its streaming standby,
 * {@code ./fleet up --only postgres-ha}), that a service's default pool given both nodes
 * (platform/tenancy's ReadWritePoolCreator) sends every connection, and so every write, to
 * the node that accepts writes, whichever order the URLs name them in: the standby answers
 * but is read-only (in recovery) and is passed over. Skipped when the pair is not running;
 * ReadWritePoolCreatorTest proves the same routing on the single-node stack. Killing the
 * primary and promoting the standby is the failover drill's (docs/failover.md).
 */
class ReadWritePoolStandbyTest {

    private static Vertx vertx;
    private static int writerPort;
    private static int readerPort;
    private static TestDatabase database;

    @BeforeAll
    static void pair() throws SQLException {
        int first = port("FLEET_PG_HA_PORT", 15532);
        int second = port("FLEET_PG_STANDBY_PORT", 15533);
        assumeTrue(FleetStack.listening(first) && FleetStack.listening(second),
                "the HA stack's Postgres pair is not running on " + first + " and " + second);
        boolean firstInRecovery = inRecovery(first);
        assumeTrue(firstInRecovery != inRecovery(second), "one node of the pair must be a standby");
        writerPort = firstInRecovery ? second : first;
        readerPort = firstInRecovery ? first : second;
        database = TestDatabase.createOnPort("ledger", writerPort);
        try (Connection owner = DriverManager.getConnection(database.jdbcUrlOnPort(writerPort),
                        database.ownerUser(), database.ownerPassword());
                Statement statement = owner.createStatement()) {
            statement.execute("CREATE TABLE written (id bigint PRIMARY KEY)");
            statement.execute("GRANT SELECT, INSERT ON written TO " + database.appUser());
        }
        // The standby has the database and the table once it has replayed them.
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection app = DriverManager.getConnection(database.jdbcUrlOnPort(readerPort),
                            database.appUser(), database.appPassword());
                    Statement statement = app.createStatement()) {
                statement.executeQuery("SELECT count(*) FROM written").close();
                return true;
            }
        });
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void drop() throws SQLException {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (database != null) {
            try (Connection superuser = DriverManager.getConnection(jdbcUrl("postgres", writerPort),
                            "postgres", FleetStack.postgresSuperuserPassword());
                    Statement statement = superuser.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS \"" + database.name() + "\" WITH (FORCE)");
            }
        }
    }

    /** Proves: [standby, primary]: the read-only standby is passed over; writes succeed and land on the primary. */
    @Test
    void standbyFirstStillWritesOnThePrimary() {
        writesLandOnTheWriter(List.of(readerPort, writerPort), 1);
    }

    /** Proves: [primary, standby]: every connection goes to the primary, none to the standby. */
    @Test
    void primaryFirstWritesOnThePrimary() {
        writesLandOnTheWriter(List.of(writerPort, readerPort), 1_000);
    }

    private static void writesLandOnTheWriter(List<Integer> ports, long firstId) {
        Pool pool = create(ports);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (long id = firstId; id < firstId + 16; id++) {
                writes.add(pool.preparedQuery("INSERT INTO written (id) VALUES ($1)"
                                + " RETURNING inet_server_port(), current_setting('transaction_read_only')")
                        .execute(Tuple.of(id))
                        .map(rows -> rows.iterator().next().getInteger(0) + "/" + rows.iterator().next().getString(1)));
            }
            List<Object> landed = Future.all(writes).toCompletionStage().toCompletableFuture()
                    .orTimeout(30, TimeUnit.SECONDS).join().list();
            // inet_server_port() is the port inside the node: each node of the pair listens on its own.
            assertThat(landed).hasSize(16).containsOnly(writerPort + "/off");
        } finally {
            pool.close();
        }
    }

    private static Pool create(List<Integer> ports) {
        List<PgConnectOptions> hosts = ports.stream().map(ReadWritePoolStandbyTest::options).toList();
        PoolOptions poolOptions = new PoolOptions().setMaxSize(4);
        return new ReadWritePoolCreator(Duration.ofSeconds(3)).create(new PgPoolCreator.Input() {
            @Override
            public Vertx vertx() {
                return vertx;
            }

            @Override
            public PoolOptions poolOptions() {
                return poolOptions;
            }

            @Override
            public List<PgConnectOptions> pgConnectOptionsList() {
                return hosts;
            }
        });
    }

    /** As Quarkus builds them from the services' settings: verify-full with the stack's CA. */
    private static PgConnectOptions options(int port) {
        PgConnectOptions options = new PgConnectOptions().setHost(FleetStack.host()).setPort(port)
                .setDatabase(database.name()).setUser(database.appUser()).setPassword(database.appPassword())
                .setSslMode(SslMode.VERIFY_FULL).setHostnameVerificationAlgorithm("HTTPS")
                .setPipeliningLimit(256).setCachePreparedStatements(true);
        options.setTrustOptions(new PemTrustOptions().addCertPath(FleetStack.caCertificate().toString()));
        return options;
    }

    private static boolean inRecovery(int port) throws SQLException {
        try (Connection superuser = DriverManager.getConnection(jdbcUrl("postgres", port),
                        "postgres", FleetStack.postgresSuperuserPassword());
                Statement statement = superuser.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static String jdbcUrl(String databaseName, int port) {
        return "jdbc:postgresql://" + FleetStack.host() + ":" + port + "/" + databaseName + "?"
                + FleetStack.postgresTlsParameters();
    }

    private static int port(String variable, int fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
