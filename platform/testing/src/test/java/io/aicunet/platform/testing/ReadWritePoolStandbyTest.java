package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.tenancy.database.ReportingPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * but is read-only (in recovery) and is passed over. ReadWritePoolCreatorTest proves the
 * same routing on the single-node stack. Killing the primary and promoting the standby is
 * the failover drill's (docs/failover.md).
 */
class ReadWritePoolStandbyTest {

    private static Vertx vertx;
    private static int writerPort;
    private static int readerPort;
    private static TestDatabase database;

    @BeforeAll
    static void pair() throws SQLException {
        HaStack.ensureUp();
        writerPort = HaStack.postgresPrimaryPort();
        readerPort = HaStack.postgresStandbyPort();
        assertThat(inRecovery(readerPort)).as("the other node of the pair is a standby").isTrue();
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
            database.dropOnPort(writerPort);
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

    /**
     * Proves: the reporting pool (platform/tenancy's ReportingPoolCreator) reads on the
     * standby whichever order names it, and when no standby answers (here a port nobody
     * listens on, as after the standby died) on the primary instead of failing.
     */
    @Test
    void theReportingPoolReadsOnTheStandbyElseOnWhatAnswers() throws Exception {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        assertThat(reportingReadsOn(List.of(writerPort, readerPort))).containsOnly(readerPort + "/on");
        assertThat(reportingReadsOn(List.of(readerPort, writerPort))).containsOnly(readerPort + "/on");
        assertThat(reportingReadsOn(List.of(nobody, writerPort))).containsOnly(writerPort + "/off");
    }

    /** The port and read-only setting of the node each of 8 concurrent reads of the reporting pool ran on. */
    private static List<Object> reportingReadsOn(List<Integer> ports) {
        Pool pool = ReadWritePoolCreatorTest.create(new ReportingPoolCreator(Duration.ofSeconds(3), Optional.empty()),
                vertx, ports.stream().map(port -> ReadWritePoolCreatorTest.options(port, database)).toList());
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(pool.query("SELECT inet_server_port(), current_setting('transaction_read_only')").execute()
                        .map(rows -> rows.iterator().next().getInteger(0) + "/" + rows.iterator().next().getString(1)));
            }
            return Future.all(reads).toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join()
                    .list();
        } finally {
            pool.close();
        }
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
        return ReadWritePoolCreatorTest.create(vertx,
                ports.stream().map(port -> ReadWritePoolCreatorTest.options(port, database)).toList());
    }

    private static boolean inRecovery(int port) throws SQLException {
        try (Connection superuser = DriverManager.getConnection(TestDatabase.jdbcUrl("postgres", port),
                        "postgres", FleetStack.postgresSuperuserPassword());
                Statement statement = superuser.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            row.next();
            return row.getBoolean(1);
        }
    }
}
