package io.aicunet.platform.problem;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Failures the REST framework raises before a resource runs (unparseable JSON, an
 * unsupported media type, an unknown path, a method the path does not have) answered
 * as application/problem+json too, so every error of the fleet has one shape. The
 * framework's headers are kept ({@code Allow} on a 405 lists the methods the path
 * has); a body that Jackson could not bind names its field like {@link JsonProblems}.
 */
@Provider
public class WebApplicationProblems implements ExceptionMapper<WebApplicationException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        if (status == 400 && exception.getCause() instanceof DatabindException binding) {
            return HttpProblems.toResponse(JsonProblems.problemOf(binding));
        }
        if (status == 400 && exception.getCause() instanceof StreamReadException syntax) {
            return HttpProblems.toResponse(Problem.InvalidArgument.of("body", JsonProblems.syntaxError(syntax)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        body.put("title", statusType == null ? "HTTP " + status : statusType.getReasonPhrase());
        body.put("status", status);
        body.put("detail", exception.getMessage());
        Response.ResponseBuilder answer = Response.status(status);
        original.getHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals(HttpHeaders.CONTENT_TYPE.toLowerCase(Locale.ROOT))
                    && !lower.equals(HttpHeaders.CONTENT_LENGTH.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> answer.header(name, value));
            }
        });
        if (status == 405 && original.getHeaderString(HttpHeaders.ALLOW) == null) {
            // Quarkus REST's own 405 does not say what the path takes; RFC 9110 requires it.
            answer.header(HttpHeaders.ALLOW, String.join(", ", AllowedMethods.of(uriInfo.getPath())));
        }
        return answer.type(HttpProblems.PROBLEM_JSON).entity(body).build();
    }
}
