package io.aicunet.tenant.adapter.rest;

import io.aicunet.platform.testing.OpenApiConformance;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves: the tenant REST API answers as its own OpenAPI document ({@code /q/openapi})
 * says, as Schemathesis (every check, every operation, with the stateful phase following
 * the document's links from a created tenant) finds it.
 *
 * <p>One caller covers all six operations: a platform administrator acting at platform
 * scope. Registering and listing tenants are platform-level actions, and suspending and
 * reactivating are granted only at platform scope; a token bound to a tenant (even its
 * tenant-admin) may only read and update that one tenant, so every other operation, and
 * every generated tenant id, would end in 403 and test nothing past the policy. A token
 * bound to no tenant names its scope in {@code x-aicunet-tenant}, so every request sends
 * {@code platform} there (Schemathesis' {@code --header} replaces the generated value of
 * that documented parameter; the header itself is platform/tenancy's and tested there).
 */
@QuarkusTest
class OpenApiConformanceTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void answersAsItsOpenApiDocumentSays() throws URISyntaxException {
        String token = TestTokens.user("openapi-platform-admin", Optional.empty(), Set.of("platform-admin"));
        URI base = new URI("https", null, "127.0.0.1", service.getPort(), "", null, null);
        OpenApiConformance.check(base, token, "--header", TestCallers.TENANT + ": platform");
    }
}
