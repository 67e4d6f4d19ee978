package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.problem.UnexpectedProblems;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.Arc;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * The REST counterpart of {@link GrpcCallers#serve}: the caller authenticated by
 * {@link RestCallers}, the same problems.
 */
public final class HttpCallers {

    private HttpCallers() {
    }

    /**
     * Serves a request: answers {@code application/problem+json} when the tenant header
     * is malformed or the use case refuses, otherwise the response, rendered (for a
     * write: and its JSON entity serialized) before the commit of the transaction that
     * produced it ({@link AnswerBeforeCommit}).
     */
    public static <T> Uni<Response> serve(Function<Caller, Uni<Result<T>>> useCase,
                                          Function<T, Response> response) {
        Result<Caller> caller = RestCallers.current();
        if (!caller.isOk()) {
            return Uni.createFrom().item(HttpProblems.toResponse(caller.problem()));
        }
        Function<T, Response> answer = RestCallers.writing() ? response.andThen(HttpCallers::serializable) : response;
        return AnswerBeforeCommit.serve(() -> useCase.apply(caller.value()), answer)
                .map(result -> result.isOk() ? result.value() : HttpProblems.toResponse(result.problem()))
                .onFailure().recoverWithItem(UnexpectedProblems::incident);
    }

    /**
     * The response, once its JSON entity is known to serialize: checked before the commit
     * of a write ({@link AnswerBeforeCommit}), so an entity Jackson cannot write fails the
     * transaction rather than the answer to a committed write. Entities that are not
     * JSON objects (text, bytes, streams) are written as they are and not checked.
     */
    private static Response serializable(Response response) {
        Object entity = response.getEntity();
        if (entity instanceof Record || entity instanceof Collection<?> || entity instanceof Map<?, ?>) {
            try {
                Arc.container().instance(ObjectMapper.class).get()
                        .writeValue(OutputStream.nullOutputStream(), entity);
            } catch (IOException e) {
                throw new UncheckedIOException("the answer's entity does not serialize as JSON", e);
            }
        }
        return response;
    }
}
