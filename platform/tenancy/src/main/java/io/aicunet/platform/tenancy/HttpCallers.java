package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Result;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The REST counterpart of {@link GrpcCallers#serve}: the caller authenticated by
 * {@link RestCallers}, the same problems.
 */
public final class HttpCallers {

    private static final Logger LOG = Logger.getLogger(HttpCallers.class);

    private HttpCallers() {
    }

    /** A bug or broken infrastructure: logged here with an id, reported to the caller without internals. */
    private static Response internal(Throwable failure) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "incident %s: HTTP request failed unexpectedly", incident);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Internal Server Error");
        body.put("status", 500);
        body.put("detail", "internal error, incident " + incident);
        return Response.status(500).type(HttpProblems.PROBLEM_JSON).entity(body).build();
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
                .onFailure().recoverWithItem(HttpCallers::internal);
    }
}
