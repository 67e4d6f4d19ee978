package io.aicunet.platform.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * An outage (see {@link Outages}: a database or Redis that cannot be reached) is a 503
 * with {@code Retry-After}. Any other exception no other mapper knows (a bug, or broken infrastructure nothing mapped
 * yet) is still answered as application/problem+json, never as the framework's
 * text/plain 500: a 500 whose detail is an incident id to quote, while the exception
 * with its stack is logged under that id. The exception's text is not sent; it may name
 * internals. More specific mappers (WebApplicationProblems, JsonProblems, the
 * framework's own for security) win over this one.
 */
@Provider
public class UnexpectedProblems implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedProblems.class);

    @Override
    public Response toResponse(Throwable exception) {
        return incident(exception);
    }

    /** The 500 problem for an unexpected failure, logged under a new incident id; also for failures of a use case's Uni. */
    public static Response incident(Throwable exception) {
        if (Outages.isOutage(exception)) {
            LOG.warnf("a REST request met an outage: %s", exception.toString());
            return HttpProblems.toResponse(new Problem.Unavailable(
                    "a service this request needs cannot be reached right now; retry in "
                            + Outages.RETRY_AFTER_SECONDS + " s"));
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(exception, "unexpected failure of a REST request, incident %s", incident);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", Response.Status.INTERNAL_SERVER_ERROR.getReasonPhrase());
        body.put("status", 500);
        body.put("detail", "unexpected failure; quote incident " + incident);
        body.put("incident", incident);
        return Response.status(500).type(HttpProblems.PROBLEM_JSON).entity(body).build();
    }
}
