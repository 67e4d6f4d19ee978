package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.problem.UnexpectedProblems;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
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
     * is malformed or the use case refuses, otherwise the response.
     */
    public static <T> Uni<Response> serve(Function<Caller, Uni<Result<T>>> useCase,
                                          Function<T, Response> response) {
        Result<Caller> caller = RestCallers.current();
        if (!caller.isOk()) {
            return Uni.createFrom().item(HttpProblems.toResponse(caller.problem()));
        }
        return useCase.apply(caller.value())
                .map(result -> result.isOk()
                        ? response.apply(result.value())
                        : HttpProblems.toResponse(result.problem()))
                .onFailure().recoverWithItem(UnexpectedProblems::incident);
    }
}
