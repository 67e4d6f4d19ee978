package io.aicunet.platform.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.AnswerBeforeCommit;
import io.aicunet.platform.tenancy.GroupCommit;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit against a real PostgreSQL ({@link GroupCommit},
 * {@link TenantTransactions#inTenantGroup}, {@link TenantTransactions#eachInSavepoint}):
 * each call of a group commits or not as it would alone, and renders its own answer.
 */
class GroupTransactionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TenantScope SCOPE = TenantScope.of(TenantId.random());

    private static NotesTable notes;
    private static Pool pool;

    /** What a call asks: insert a note, then answer ok or (after the insert) refuse. */
    record Write(int id, boolean refuseAfterInsert) {
    }

    @BeforeAll
    static void createTable() throws Exception {
        notes = NotesTable.create("group-test", 4);
        pool = notes.pool;
    }

    @AfterAll
    static void dropTable() {
        notes.close();
    }

    /** Groups of every call submitted while a group runs; the group's work is one transaction. */
    private static GroupCommit<String, Write, Integer> groups() {
        return new GroupCommit<>("notes", new GroupCommit.Settings(64, 1), new SimpleMeterRegistry(),
                (key, members) -> TenantTransactions.inTenantGroup(pool, SCOPE, members,
                        connection -> TenantTransactions.eachInSavepoint(connection, members,
                                GroupTransactionsTest::write)));
    }

    private static Uni<Result<Integer>> write(SqlConnection connection, Write write) {
        return connection.preparedQuery("INSERT INTO notes (id, text) VALUES ($1, $2)")
                .execute(Tuple.of(write.id(), "note " + write.id()))
                .replaceWith(write.refuseAfterInsert()
                        ? Result.<Integer>failed(new Problem.Conflict("NOTE", "refused " + write.id()))
                        : Result.ok(write.id()));
    }

    /**
     * Proves: in one group, a call refused after its insert is rolled back to its own
     * savepoint and hears its refusal, while the calls before and after it commit; the
     * group was one group (all three ran together behind a first call).
     */
    @Test
    void aCallRefusedInAGroupWritesNothingAndItsNeighboursCommit() {
        GroupCommit<String, Write, Integer> groups = groups();
        List<CompletableFuture<Result<Integer>>> calls = new ArrayList<>();
        for (Write write : List.of(new Write(100, false), new Write(101, false), new Write(102, true),
                new Write(103, false))) {
            calls.add(groups.submit("t", write).subscribeAsCompletionStage());
        }

        assertThat(calls.get(1).join().value()).isEqualTo(101);
        assertThat(calls.get(2).join().problem().detail()).isEqualTo("refused 102");
        assertThat(calls.get(3).join().value()).isEqualTo(103);
        assertThat(stored(100)).isTrue();
        assertThat(stored(101)).isTrue();
        assertThat(stored(102)).as("the refused call's insert").isFalse();
        assertThat(stored(103)).isTrue();
    }

    /** Proves: a call alone that is refused after its insert rolls its whole transaction back, as before groups. */
    @Test
    void aLoneRefusedCallRollsItsTransactionBack() {
        Result<Integer> refused = groups().submit("t", new Write(200, true)).await().atMost(WAIT);

        assertThat(refused.problem().detail()).isEqualTo("refused 200");
        assertThat(stored(200)).isFalse();
    }

    /**
     * Proves: a statement error in one call (a duplicate key) fails the group's
     * transaction; every call then runs alone, so the others commit and only the culprit
     * hears the error.
     */
    @Test
    void aFailingStatementFailsOnlyItsOwnCall() {
        GroupCommit<String, Write, Integer> groups = groups();
        CompletableFuture<Result<Integer>> first = groups.submit("t", new Write(300, false))
                .subscribeAsCompletionStage();
        CompletableFuture<Result<Integer>> good = groups.submit("t", new Write(301, false))
                .subscribeAsCompletionStage();
        CompletableFuture<Result<Integer>> duplicate = groups.submit("t", new Write(300, false))
                .subscribeAsCompletionStage();
        CompletableFuture<Result<Integer>> alsoGood = groups.submit("t", new Write(302, false))
                .subscribeAsCompletionStage();

        assertThat(first.join().value()).isEqualTo(300);
        assertThat(good.join().value()).isEqualTo(301);
        assertThat(alsoGood.join().value()).isEqualTo(302);
        assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).hasMessageContaining("duplicate key");
        assertThat(stored(301)).isTrue();
        assertThat(stored(302)).isTrue();
    }

    /**
     * Proves: each call's answer is rendered in its own request before the group commits;
     * an answer that cannot be encoded fails the group, which then runs each call alone:
     * the others are written and answered, the call with the bad answer wrote nothing.
     */
    @Test
    void eachCallRendersItsOwnAnswerBeforeTheCommit() {
        GroupCommit<String, Write, Integer> groups = groups();
        CompletableFuture<Result<Integer>> first = groups.submit("t", new Write(400, false))
                .subscribeAsCompletionStage();
        List<CompletableFuture<Result<String>>> served = new ArrayList<>();
        for (int id : List.of(401, 402, 403)) {
            served.add(AnswerBeforeCommit.<Integer, String>serve(() -> groups.submit("t", new Write(id, false)),
                    value -> {
                        if (value == 402) {
                            throw new NullPointerException("the wire format cannot carry " + value);
                        }
                        return "answer " + value;
                    }).subscribeAsCompletionStage());
        }

        assertThat(first.join().value()).isEqualTo(400);
        assertThat(served.get(0).join().value()).isEqualTo("answer 401");
        assertThat(served.get(2).join().value()).isEqualTo("answer 403");
        assertThatThrownBy(() -> served.get(1).get(30, TimeUnit.SECONDS)).hasMessageContaining("cannot carry 402");
        assertThat(stored(401)).isTrue();
        assertThat(stored(402)).isFalse();
        assertThat(stored(403)).isTrue();
    }

    private static boolean stored(int id) {
        return notes.stored(id);
    }
}
