package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves: the methods of a path are those of the resource methods whose full template
 * matches it, not every method of the resource class (the framework's OPTIONS answer listed
 * GET for {@code /v1/accounts}); OPTIONS adds itself, and HEAD where the path has GET.
 */
class AllowedMethodsTest {

    @Path("/v1/accounts")
    public static class Accounts {
        @POST
        public void open() {
        }

        @GET
        @Path("/{accountId}")
        public void get(@PathParam("accountId") String accountId) {
        }

        @POST
        @Path("/{accountId}/closure")
        public void close(@PathParam("accountId") String accountId) {
        }
    }

    private static final List<Class<?>> RESOURCES = List.of(Accounts.class);

    @Test
    void eachPathHasOnlyItsOwnMethods() {
        assertThat(AllowedMethods.of("/v1/accounts", RESOURCES)).containsExactly("POST");
        assertThat(AllowedMethods.of("/v1/accounts/", RESOURCES)).containsExactly("POST");
        assertThat(AllowedMethods.of("/v1/accounts/a1", RESOURCES)).containsExactly("GET");
        assertThat(AllowedMethods.of("/v1/accounts/a1/closure", RESOURCES)).containsExactly("POST");
        assertThat(AllowedMethods.of("/v1/accounts/a1/other", RESOURCES)).isEmpty();
    }

    @Test
    void optionsAddsItselfAndHeadForGet() {
        assertThat(AllowedMethods.withOptions(Set.of("POST"))).containsExactly("OPTIONS", "POST");
        assertThat(AllowedMethods.withOptions(Set.of("GET"))).containsExactly("GET", "HEAD", "OPTIONS");
        assertThat(AllowedMethods.withOptions(Set.of())).isEmpty();
    }
}
