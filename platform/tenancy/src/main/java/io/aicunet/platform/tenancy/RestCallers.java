package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.smallrye.common.vertx.ContextLocals;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request to a REST resource of the service before the resource
 * runs (see {@link CallerAuthentication}): without a token that verifies, the answer
 * is 401 {@code application/problem+json} with a {@code WWW-Authenticate} challenge
 * (503 when the issuer's keys cannot be fetched) and nothing is done. Health, metrics
 * and OpenAPI are not REST resources ({@code /q/...}) and stay open, as do methods
 * marked {@link PublicResource}. The caller is
 * handed to {@link HttpCallers#serve} through the request's context.
 */
public class RestCallers {

    static final String CALLER = "aicunet-caller";
    private static final String WRITING = "aicunet-writing";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final CallerAuthentication authentication;

    public RestCallers(CallerAuthentication authentication) {
        this.authentication = authentication;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(PublicResource.class)) {
            return Optional.empty();
        }
        Result<Caller> caller = authentication.authenticate(
                request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getHeaderString(CallerHeaders.TENANT));
        if (!caller.isOk() && !(caller.problem() instanceof Problem.InvalidArgument)) {
            return Optional.of(HttpProblems.toResponse(caller.problem()));
        }
        ContextLocals.put(CALLER, caller);
        ContextLocals.put(WRITING, !READS.contains(request.getMethod()));
        return Optional.empty();
    }

    /** Whether the request being served may write (any method but GET, HEAD and OPTIONS). */
    static boolean writing() {
        return ContextLocals.<Boolean>get(WRITING).orElse(false);
    }

    /** The caller of the request being served, as {@link #authenticate} found it. */
    static Result<Caller> current() {
        return ContextLocals.<Result<Caller>>get(CALLER).orElseThrow(() -> new IllegalStateException(
                "no authenticated REST request is being served: RestCallers did not run"));
    }
}
