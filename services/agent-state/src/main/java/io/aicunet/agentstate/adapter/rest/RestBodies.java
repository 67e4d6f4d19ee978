package io.aicunet.agentstate.adapter.rest;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;

/** Answers shared by the REST resources. */
final class RestBodies {

    private RestBodies() {
    }

    static Uni<Response> missingBody() {
        return Uni.createFrom().item(HttpProblems.toResponse(
                Problem.InvalidArgument.of("body", "a JSON body is required")));
    }

    /** A 400 naming one invalid parameter. */
    static Uni<Response> invalid(String field, String detail) {
        return Uni.createFrom().item(HttpProblems.toResponse(Problem.InvalidArgument.of(field, detail)));
    }
}
