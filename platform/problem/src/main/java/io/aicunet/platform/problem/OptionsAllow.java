package io.aicunet.platform.problem;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * The framework's own answer to {@code OPTIONS} lists in {@code Allow} every method of the
 * resource class the path falls in (Quarkus REST: {@code OPTIONS /v1/accounts} listed GET,
 * which only {@code /v1/accounts/{id}} has). This filter replaces that list with exactly the
 * methods of the matched path ({@link AllowedMethods}, the same list a 405 gives), plus
 * {@code OPTIONS}, and {@code HEAD} where the path has {@code GET}. Only the framework's
 * answer is touched: an {@code OPTIONS} response without {@code Allow} (a resource's own
 * {@code @OPTIONS} method) and paths no resource has stay as they are.
 */
@Provider
public class OptionsAllow implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!HttpMethod.OPTIONS.equals(request.getMethod()) || !response.getHeaders().containsKey(HttpHeaders.ALLOW)) {
            return;
        }
        Set<String> methods = AllowedMethods.forOptions(request.getUriInfo().getPath());
        if (!methods.isEmpty()) {
            response.getHeaders().putSingle(HttpHeaders.ALLOW, String.join(", ", methods));
        }
    }
}
