package io.aicunet.platform.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a {@link Problem} to an RFC 9457 {@code application/problem+json} response,
 * the one place where that mapping lives. Field violations go in an {@code errors}
 * extension member, each with the field's path and what is wrong with it.
 */
public final class HttpProblems {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String TYPE_BASE = "https://aicunet.io/problems/";

    private HttpProblems() {
    }

    public static Response toResponse(Problem problem) {
        Response.ResponseBuilder response = Response.status(problem.kind().httpStatus())
                .type(MediaType.valueOf(PROBLEM_JSON))
                .entity(toBody(problem));
        if (problem instanceof Problem.Unauthenticated unauthenticated) {
            response.header("WWW-Authenticate", unauthenticated.challenge());
        }
        if (problem.kind() == Problem.Kind.UNAVAILABLE) {
            response.header("Retry-After", String.valueOf(Outages.RETRY_AFTER_SECONDS));
        }
        if (problem instanceof Problem.ResourceExhausted exhausted) {
            exhausted.retryAfterSeconds().ifPresent(seconds -> response.header("Retry-After", String.valueOf(seconds)));
        }
        return response.build();
    }

    public static Map<String, Object> toBody(Problem problem) {
        int status = problem.kind().httpStatus();
        String type = problem.kind().slug() + reasonSuffix(problem);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", Response.Status.fromStatusCode(status).getReasonPhrase());
        body.put("status", status);
        body.put("detail", problem.detail());
        if (problem instanceof Problem.ResourceExhausted exhausted) {
            body.put("limit", exhausted.limit());
            body.put("subject", exhausted.subject());
            body.put("bound", exhausted.bound());
            body.put("current", exhausted.current());
            exhausted.retryAfter().ifPresent(delay -> body.put("retry_after_millis", delay.toMillis()));
        }
        if (problem instanceof Problem.InvalidArgument invalid) {
            List<Map<String, String>> errors = invalid.listed().stream()
                    .map(v -> Map.of("field", v.field(), "detail", v.description()))
                    .toList();
            body.put("errors", errors);
            if (invalid.unlisted() > 0) {
                body.put("errors_total", invalid.violations().size());
                body.put("errors_unlisted", invalid.unlisted());
            }
        }
        return body;
    }

    private static String reasonSuffix(Problem problem) {
        String reason = null;
        if (problem instanceof Problem.Conflict conflict) {
            reason = conflict.reason();
        } else if (problem instanceof Problem.FailedPrecondition precondition) {
            reason = precondition.type();
        }
        return reason == null ? "" : "/" + reason.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
