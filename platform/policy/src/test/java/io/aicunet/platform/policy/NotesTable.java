package io.aicunet.platform.policy;

import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.TestDatabase;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

/**
 * A scratch database of the local stack with one table {@code notes (id int PRIMARY KEY,
 * text text)} the application user may read and insert into, and a reactive pool
 * connecting as the services do (TLS, the stack's CA, the host name checked, prepared
 * statements cached).
 */
final class NotesTable implements AutoCloseable {

    private final TestDatabase database;
    private final Vertx vertx;
    final Pool pool;

    private NotesTable(TestDatabase database, Vertx vertx, Pool pool) {
        this.database = database;
        this.vertx = vertx;
        this.pool = pool;
    }

    static NotesTable create(String name, int connections) throws Exception {
        FleetStack.ensureRunning();
        TestDatabase database = TestDatabase.create(name);
        try (Connection connection = database.connectAsOwner(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE notes (id int PRIMARY KEY, text text NOT NULL)");
            statement.execute("GRANT SELECT, INSERT ON notes TO " + database.appUser());
        }
        Vertx vertx = Vertx.vertx();
        return new NotesTable(database, vertx, pool(database, vertx, FleetStack.postgresPort(), connections));
    }

    /** Another pool of the same database and user, connecting to {@code port} (a proxy); the caller closes it. */
    Pool poolThrough(int port, int connections) {
        return pool(database, vertx, port, connections);
    }

    private static Pool pool(TestDatabase database, Vertx vertx, int port, int connections) {
        PgConnectOptions options = new PgConnectOptions().setHost(FleetStack.host()).setPort(port)
                .setDatabase(database.name()).setUser(database.appUser()).setPassword(database.appPassword())
                .setSslMode(SslMode.VERIFY_FULL).setCachePreparedStatements(true);
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.setPemTrustOptions(new PemTrustOptions().addCertPath(FleetStack.caCertificate().toString()));
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(connections)).connectingTo(options)
                .using(vertx).build();
    }

    /** Whether a note with this id was committed. */
    boolean stored(int id) {
        return pool.preparedQuery("SELECT 1 FROM notes WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 1).await().atMost(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        pool.closeAndAwait();
        vertx.closeAndAwait();
        database.drop();
    }
}
