package io.aicunet.platform.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failures the REST framework raises before a resource runs (unparseable JSON, an
 * unsupported media type, an unknown path) answered as application/problem+json too,
 * so every error of the fleet has one shape.
 */
@Provider
public class WebApplicationProblems implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        body.put("title", statusType == null ? "HTTP " + status : statusType.getReasonPhrase());
        body.put("status", status);
        body.put("detail", exception.getMessage());
        return Response.status(status).type(HttpProblems.PROBLEM_JSON).entity(body).build();
    }
}
