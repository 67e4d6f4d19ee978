package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.Result;
import io.smallrye.mutiny.Context;
import io.smallrye.mutiny.Uni;
import java.io.UncheckedIOException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes a write and its answer one unit: the answer to a request is rendered inside the
 * transaction that produced its value, before that transaction commits. An answer the
 * wire format cannot carry (JSON that does not serialize, a field a protobuf builder
 * refuses) fails the transaction, which rolls back: the caller hears an error and nothing
 * was written, instead of an error for a write that happened (which a client would retry,
 * writing twice where it has no idempotency key). The answer rendered before the commit
 * is the one sent, so a committed write is never rendered twice.
 *
 * <p>{@link HttpCallers#serve} and {@link GrpcCallers#serve} put the renderer into the
 * request's Mutiny {@link Context}; {@link TenantTransactions#inTenant} hands it the
 * value of each transaction that ends ok, just before the commit. A use case whose
 * transaction's value is not the answer's value is served as before (rendered after
 * its commit):
 * <ul>
 *   <li>a value of another type than the renderer takes (an intermediate transaction,
 *       or a use case that maps the value after its transaction): the renderer's
 *       parameter type refuses it with a {@link ClassCastException}, which here means
 *       "not the answer", and nothing is rendered for it;</li>
 *   <li>a use case that maps to an equal but not identical value after the commit:
 *       the answer is rendered again from the final value;</li>
 *   <li>a value that does not render yet for another reason than its encoding (the
 *       ledger's replayed transfers carry sealed personal metadata, opened after the
 *       transaction): it commits, and the final value is rendered after;</li>
 *   <li>work whose Uni is subscribed outside the request's subscription (a Future
 *       bridge, a separate subscription) does not see the context.</li>
 * </ul>
 * Rendering is pure and cheap (building the response object and, for REST writes,
 * checking that its JSON entity serializes): it holds the transaction only for that.
 */
public final class AnswerBeforeCommit<T, A> {

    private static final String KEY = AnswerBeforeCommit.class.getName();

    private final Function<T, A> render;
    // One request's subscription runs its steps one after another: no two threads touch these at once.
    private Object renderedValue;
    private A answer;

    private AnswerBeforeCommit(Function<T, A> render) {
        this.render = render;
    }

    /**
     * Runs the use case with {@code render} as its answer's renderer, and answers its ok
     * value rendered: the answer rendered before the commit that produced that very
     * value, or else rendered now. A failed result stays the problem it is.
     */
    public static <T, A> Uni<Result<A>> serve(Supplier<Uni<Result<T>>> useCase, Function<T, A> render) {
        AnswerBeforeCommit<T, A> unit = new AnswerBeforeCommit<>(render);
        return Uni.createFrom().context(context -> {
            context.put(KEY, unit);
            return useCase.get();
        }).map(result -> result.isOk() ? Result.ok(unit.answer(result.value())) : Result.failed(result.problem()));
    }

    /**
     * Called by the transaction that produced {@code value}, just before it commits:
     * renders the answer, and throws (so the transaction rolls back) when the answer
     * cannot be encoded ({@link #cannotBeEncoded}). Any other failure means the value is
     * not the answer yet (a use case completes it after the transaction, e.g. by opening
     * sealed personal data): it is ignored here, and the final value is rendered after.
     * Does nothing outside a served request.
     */
    static void beforeCommit(Context context, Object value) {
        AnswerBeforeCommit<?, ?> unit = context.getOrElse(KEY, () -> null);
        if (unit != null) {
            unit.renderBeforeCommit(value);
        }
    }

    @SuppressWarnings("unchecked")
    private void renderBeforeCommit(Object value) {
        A rendered;
        try {
            rendered = render.apply((T) value);
        } catch (ClassCastException notTheAnswersValue) {
            return;
        } catch (RuntimeException failure) {
            if (cannotBeEncoded(failure)) {
                throw failure;
            }
            return;
        }
        renderedValue = value;
        answer = rendered;
    }

    /**
     * Whether rendering failed because the wire format cannot carry the value: JSON that
     * does not serialize ({@link UncheckedIOException} from {@code HttpCallers}), a field a
     * protobuf builder refuses (null: {@link NullPointerException}; out of its range:
     * {@link IllegalArgumentException}). The same value would fail the same way after the
     * commit.
     */
    static boolean cannotBeEncoded(RuntimeException failure) {
        return failure instanceof UncheckedIOException || failure instanceof NullPointerException
                || failure instanceof IllegalArgumentException;
    }

    private A answer(T value) {
        return value == renderedValue && answer != null ? answer : render.apply(value);
    }
}
