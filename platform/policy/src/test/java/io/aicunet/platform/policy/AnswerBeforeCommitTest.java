package io.aicunet.platform.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.AnswerBeforeCommit;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.aicunet.platform.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write and its answer are one unit ({@link AnswerBeforeCommit}), against a real
 * PostgreSQL: an answer the wire format cannot carry rolls its write back, a rendered
 * answer is the one sent after the commit, and values that are not the answer yet (of
 * another type, or completed after the transaction) pass through.
 */
class AnswerBeforeCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TenantScope SCOPE = TenantScope.of(TenantId.random());

    private static NotesTable notes;
    private static Pool pool;

    record Note(int id, String text) {
    }

    record Other(int id) {
    }

    @BeforeAll
    static void createTable() throws Exception {
        notes = NotesTable.create("answer-test", 2);
        pool = notes.pool;
    }

    @AfterAll
    static void dropTable() {
        notes.close();
    }

    private static Uni<Result<Note>> insert(int id) {
        return TenantTransactions.inTenant(pool, SCOPE, connection -> write(connection, id));
    }

    private static Uni<Result<Note>> write(SqlConnection connection, int id) {
        Note note = new Note(id, "note " + id);
        return connection.preparedQuery("INSERT INTO notes (id, text) VALUES ($1, $2)")
                .execute(Tuple.of(note.id(), note.text())).replaceWith(Result.ok(note));
    }

    private static boolean stored(int id) {
        return notes.stored(id);
    }

    @Test
    void anAnswerTheWireFormatCannotCarryRollsItsWriteBack() {
        // As a protobuf builder refuses a null field, or Jackson a lone surrogate.
        Function<Note, String> unencodable = note -> {
            throw new NullPointerException("the wire format cannot carry " + note.text());
        };
        Function<Note, String> unserializable = note -> {
            throw new UncheckedIOException(new JsonGenerationException("split surrogate in " + note.text(),
                    (JsonGenerator) null));
        };

        assertThatThrownBy(() -> AnswerBeforeCommit.serve(() -> insert(1), unencodable).await().atMost(WAIT))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("carry note 1");
        assertThatThrownBy(() -> AnswerBeforeCommit.serve(() -> insert(8), unserializable).await().atMost(WAIT))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(stored(1)).as("the write whose answer could not be encoded").isFalse();
        assertThat(stored(8)).as("the write whose answer did not serialize").isFalse();
    }

    @Test
    void theAnswerRenderedBeforeTheCommitIsTheOneSent() {
        AtomicInteger renders = new AtomicInteger();
        Function<Note, String> render = note -> {
            renders.incrementAndGet();
            return "saved " + note.text();
        };

        Result<String> answer = AnswerBeforeCommit.serve(() -> insert(2), render).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("saved note 2");
        assertThat(stored(2)).isTrue();
        assertThat(renders).as("renderings of one committed write").hasValue(1);
    }

    @Test
    void aValueOfAnotherTypeThanTheAnswersCommitsAndIsRenderedAfter() {
        // A first transaction whose value is not the answer's, then one whose value is.
        AtomicInteger renders = new AtomicInteger();
        Function<Note, String> render = note -> {
            renders.incrementAndGet();
            return "saved " + note.text();
        };
        Uni<Result<Note>> twoTransactions = TenantTransactions.<Other>inTenant(pool, SCOPE,
                        connection -> write(connection, 3).map(result -> result.map(note -> new Other(note.id()))))
                .flatMap(first -> insert(4));

        Result<String> answer = AnswerBeforeCommit.serve(() -> twoTransactions, render).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("saved note 4");
        assertThat(stored(3)).isTrue();
        assertThat(stored(4)).isTrue();
        assertThat(renders).hasValue(1);
    }

    @Test
    void aUseCaseThatMapsAfterItsTransactionIsRenderedFromTheFinalValue() {
        Uni<Result<Note>> mapped = insert(5).map(result -> result.map(note -> new Note(note.id(), "mapped")));

        Result<String> answer = AnswerBeforeCommit.serve(() -> mapped, Note::text).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("mapped");
        assertThat(stored(5)).isTrue();
    }

    @Test
    void aWriteWhoseValueIsCompletedAfterItsTransactionCommitsAndIsRenderedFromTheFinalValue() {
        // Like the ledger's replayed transfers, whose sealed personal data is opened after the transaction.
        Uni<Result<Note>> sealedThenOpened = TenantTransactions.inTenant(pool, SCOPE, connection -> write(connection, 7)
                        .map(written -> written.map(note -> new Note(note.id(), "sealed"))))
                .map(result -> result.map(note -> new Note(note.id(), "opened")));
        Function<Note, String> render = note -> {
            if (note.text().equals("sealed")) {
                throw new IllegalStateException("sealed personal data must be opened before it is read");
            }
            return note.text();
        };

        Result<String> answer = AnswerBeforeCommit.serve(() -> sealedThenOpened, render).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("opened");
        assertThat(stored(7)).isTrue();
    }

    @Test
    void aRefusalIsAnsweredAsItsProblemAndNothingIsRendered() {
        AtomicInteger renders = new AtomicInteger();
        Uni<Result<Note>> refused = TenantTransactions.inTenant(pool, SCOPE, connection -> write(connection, 6)
                .map(ignored -> Result.<Note>failed(new Problem.Conflict("note", "refused after the insert"))));

        Result<String> answer = AnswerBeforeCommit.serve(() -> refused, note -> {
            renders.incrementAndGet();
            return note.text();
        }).await().atMost(WAIT);

        assertThat(answer.isOk()).isFalse();
        assertThat(answer.problem()).isInstanceOf(Problem.Conflict.class);
        assertThat(stored(6)).isFalse();
        assertThat(renders).hasValue(0);
    }
}
