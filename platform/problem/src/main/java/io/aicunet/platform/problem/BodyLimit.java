package io.aicunet.platform.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A REST body larger than {@code quarkus.http.limits.max-body-size} is a 413 with an
 * {@code application/problem+json} body saying the limit, like every other error of
 * the fleet, answered before a byte of it is read. Quarkus itself answers such a body
 * with a bare 413 and no content type. A body sent without a length (chunked) that
 * grows past the limit still gets Quarkus's own answer; gRPC calls are not REST bodies.
 */
@ApplicationScoped
public class BodyLimit {

    /** Before every route of the application, Quarkus REST's included. */
    static final int ORDER = -1_000;

    void install(@Observes Router router,
                 @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit) {
        limit.ifPresent(max -> router.route().order(ORDER).handler(context -> refuseWhenTooLarge(context, max.asLongValue())));
    }

    static void refuseWhenTooLarge(RoutingContext context, long max) {
        String contentType = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || (contentType != null && contentType.startsWith("application/grpc"))) {
            context.next();
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            context.next();
            return;
        }
        if (declared <= max) {
            context.next();
            return;
        }
        JsonObject problem = new JsonObject()
                .put("type", "about:blank")
                .put("title", "Content Too Large")
                .put("status", 413)
                .put("detail", "the body is " + declared + " bytes; this service accepts at most " + max);
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, HttpProblems.PROBLEM_JSON)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem.encode());
    }
}
