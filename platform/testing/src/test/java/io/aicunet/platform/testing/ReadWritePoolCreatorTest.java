package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.database.ReadWritePoolCreator;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * Proves that a service's default pool given several database URLs
 * (platform/tenancy's ReadWritePoolCreator) sends every connection to the host that
 * accepts writes, as libpq's target_session_attrs=read-write does, and follows it when
 * it changes without being rebuilt: a refused host and a read-only one are passed over,
 * and after the read-write host's sessions die and another becomes read-write the next
 * statements land on the new one within seconds. The pool is built the way Quarkus
 * builds it (the creator's Input: its pool options and TLS verify-full with the stack's
 * CA). "Hosts" here are databases of the stack's one Postgres, one of them made read-only
 * (default_transaction_read_only, which a standby reports too), and a port nobody listens
 * on; ReadWritePoolStandbyTest does the same against a real primary and streaming standby.
 */
class ReadWritePoolCreatorTest {

    private static Vertx vertx;
    private static TestDatabase first;
    private static TestDatabase second;
    private static int closedPort;

    @BeforeAll
    static void databases() throws SQLException, IOException {
        FleetStack.ensureRunning();
        vertx = Vertx.vertx();
        first = TestDatabase.create("ledger");
        second = TestDatabase.create("ledger");
        for (TestDatabase database : List.of(first, second)) {
            try (Connection owner = database.connectAsOwner(); Statement statement = owner.createStatement()) {
                statement.execute("CREATE TABLE written (id bigint PRIMARY KEY)");
                statement.execute("GRANT SELECT, INSERT ON written TO " + database.appUser());
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterAll
    static void dropDatabases() {
        first.drop();
        second.drop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Proves: a single URL builds a plain pool (exactly Quarkus' own), which works over verify-full TLS. */
    @Test
    void singleHostIsAPlainPool() {
        Pool pool = create(List.of(options(FleetStack.postgresPort(), first)));
        try {
            assertThat(pool).isInstanceOf(PgPool.class);
            assertThat(databaseOf(pool)).isEqualTo(first.name());
        } finally {
            pool.close();
        }
    }

    /** Proves: [refused, read-only, read-write]: writes succeed and land on the read-write host only. */
    @Test
    void writesLandOnTheReadWriteHost() throws SQLException {
        setReadOnly(first, true);
        try {
            Pool pool = create(List.of(options(closedPort, first), options(FleetStack.postgresPort(), first),
                    options(FleetStack.postgresPort(), second)));
            try {
                assertThat(pool).isInstanceOf(PgPool.class);
                List<Future<?>> writes = new ArrayList<>();
                for (long id = 1; id <= 16; id++) {
                    writes.add(pool.preparedQuery("INSERT INTO written (id) VALUES ($1) RETURNING current_database()")
                            .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getString(0)));
                }
                List<Object> landed = await(Future.all(writes)).list();
                assertThat(landed).hasSize(16).containsOnly(second.name());
                assertThat(count(second)).isEqualTo(16);
            } finally {
                pool.close();
            }
        } finally {
            setReadOnly(first, false);
        }
    }

    /**
     * Proves: the pool follows a failover without a restart. Its connections go to the first
     * host; then that host's sessions die and it comes back read-only while the second is
     * read-write (a kill and a promotion): the broken connections leave the pool and the next
     * statements land on the second host within seconds.
     */
    @Test
    void followsTheReadWriteHostAfterAFailover() throws SQLException {
        Pool pool = create(List.of(options(FleetStack.postgresPort(), first), options(FleetStack.postgresPort(), second)));
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(databaseOf(pool)).isEqualTo(first.name());
            }
            setReadOnly(first, true);
            terminateSessions(first);

            long start = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> second.name().equals(databaseOf(pool)));
            long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            for (int i = 0; i < 8; i++) {
                assertThat(databaseOf(pool)).isEqualTo(second.name());
            }
            System.out.printf("ReadWritePoolCreatorTest: statements on the new read-write host after %d ms%n",
                    recoveredMillis);
        } finally {
            pool.close();
            setReadOnly(first, false);
        }
    }

    private static Pool create(List<PgConnectOptions> hosts) {
        return create(vertx, hosts);
    }

    /** The pool a service's default datasource gets, from platform/tenancy's creator, over {@code hosts}. */
    static Pool create(Vertx vertx, List<PgConnectOptions> hosts) {
        return create(new ReadWritePoolCreator(Duration.ofSeconds(3)), vertx, hosts);
    }

    /** The pool {@code creator} builds over {@code hosts}, as Quarkus asks it to. */
    static Pool create(PgPoolCreator creator, Vertx vertx, List<PgConnectOptions> hosts) {
        PoolOptions poolOptions = new PoolOptions().setMaxSize(4).setIdleTimeout(600)
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        return creator.create(new PgPoolCreator.Input() {
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
    static PgConnectOptions options(int port, TestDatabase database) {
        PgConnectOptions options = new PgConnectOptions().setHost(FleetStack.host()).setPort(port)
                .setDatabase(database.name()).setUser(database.appUser()).setPassword(database.appPassword())
                .setSslMode(SslMode.VERIFY_FULL).setHostnameVerificationAlgorithm("HTTPS")
                .setPipeliningLimit(256).setCachePreparedStatements(true);
        options.setTrustOptions(new PemTrustOptions().addCertPath(FleetStack.caCertificate().toString()));
        return options;
    }

    private static String databaseOf(Pool pool) {
        Row row = await(pool.query("SELECT current_database()").execute()).iterator().next();
        return row.getString(0);
    }

    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** From the maintenance database: a session in a read-only database could not turn it back. */
    private static void setReadOnly(TestDatabase database, boolean readOnly) throws SQLException {
        try (Connection superuser = DriverManager.getConnection(TestDatabase.jdbcUrl("postgres"), "postgres",
                        FleetStack.postgresSuperuserPassword());
                Statement statement = superuser.createStatement()) {
            statement.execute("ALTER DATABASE \"" + database.name() + "\" SET default_transaction_read_only = "
                    + (readOnly ? "on" : "off"));
        }
    }

    private static void terminateSessions(TestDatabase database) throws SQLException {
        try (Connection superuser = database.connectAsSuperuser(); Statement statement = superuser.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + database.name() + "' AND pid <> pg_backend_pid()");
        }
    }

    private static long count(TestDatabase database) throws SQLException {
        try (Connection app = database.connectAsApp(); Statement statement = app.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM written")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
