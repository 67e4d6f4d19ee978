package io.aicunet.platform.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Result;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.LoopbackProxy;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TenantTransactions} against a real PostgreSQL, reached through a proxy that can
 * hold the server's replies ({@link LoopbackProxy}): what reaches the server while its replies are held was sent
 * without waiting for them.
 */
class TransactionPipeliningTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TenantScope SCOPE = TenantScope.of(TenantId.random());
    private static final String INSERT = "INSERT INTO notes (id, text) VALUES ($1, 'pipelined')";

    private static NotesTable notes;

    @BeforeAll
    static void createTable() throws Exception {
        notes = NotesTable.create("pipelining-test", 2);
    }

    @AfterAll
    static void dropTable() {
        notes.close();
    }

    /**
     * Proves: a transaction's BEGIN, its tenant scope and its first statement reach
     * PostgreSQL in one round trip: with every reply held, the server has run the insert
     * and waits idle in the transaction. Sent one after another, each waiting for the
     * answer before, the server would never see more than the BEGIN. Once the replies go
     * on, the transaction commits.
     */
    @Test
    void beginTheScopeAndTheFirstStatementGoOutTogether() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(FleetStack.host(), FleetStack.postgresPort())) {
            Pool through = notes.poolThrough(proxy.port(), 1);
            try {
                // Prepares and caches the statements on the proxied connection (the services cache
                // them too): preparing a statement pauses the pipeline until PostgreSQL answers.
                assertThat(insert(through, 1).get(WAIT.toSeconds(), TimeUnit.SECONDS).isOk()).isTrue();

                proxy.holdReplies();
                CompletableFuture<Result<Integer>> held = insert(through, 2);

                Awaitility.await("the insert ran before BEGIN's answer reached the client").atMost(WAIT)
                        .until(TransactionPipeliningTest::insertRanAndWaits);
                assertThat(held).isNotDone();

                proxy.releaseReplies();
                assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).isOk()).isTrue();
                assertThat(notes.stored(2)).isTrue();
            } finally {
                through.closeAndAwait();
            }
        }
    }

    private static CompletableFuture<Result<Integer>> insert(Pool pool, int id) {
        return TenantTransactions.inTenant(pool, SCOPE, connection -> connection.preparedQuery(INSERT)
                        .execute(Tuple.of(id)).replaceWith(Result.ok(id)))
                .subscribeAsCompletionStage();
    }

    /** Whether another session of this user ran the insert and now waits, idle, inside its transaction. */
    private static boolean insertRanAndWaits() {
        return notes.pool.preparedQuery("SELECT count(*) AS waiting FROM pg_stat_activity"
                        + " WHERE pid <> pg_backend_pid() AND state = 'idle in transaction' AND query = $1")
                .execute(Tuple.of(INSERT))
                .map(rows -> rows.iterator().next().getLong("waiting") == 1)
                .await().atMost(WAIT);
    }
}
