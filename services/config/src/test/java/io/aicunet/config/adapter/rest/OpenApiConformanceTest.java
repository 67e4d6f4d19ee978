package io.aicunet.config.adapter.rest;

import static org.junit.jupiter.api.Assertions.assertAll;

import io.aicunet.platform.testing.OpenApiConformance;
import io.aicunet.platform.testing.TenantServiceProcess;
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
 * Proves: the config REST API answers as its own OpenAPI document ({@code /q/openapi})
 * says, as Schemathesis finds it with every check: no 5xx, every status, header and body
 * as documented, schema-invalid requests refused, requests without a token refused.
 *
 * <p>The caller is a tenant administrator bound to a registered tenant (so its secrets
 * have a data key): a token bound to a tenant needs no {@code x-aicunet-tenant} header,
 * which the document rightly calls optional; it is refused (403) at platform scope and
 * on other tenants, both documented.
 *
 * <p>Two rules of the service cannot be said in OpenAPI, so two narrowings, each named:
 * <ul>
 *   <li>Generated strings hold no NUL ({@code --generation-allow-x00 false}): a NUL
 *       inside a free-form value or JSON Schema is refused (400, PostgreSQL's jsonb cannot
 *       hold {@code \u0000}), which their free-form schema ({@code {}}) cannot state; the
 *       description says it, and HostileValuesTest proves the refusal. Typed text fields
 *       state it in their pattern, and other control characters still test that.</li>
 *   <li>The entry operations, the history and the diff are checked without
 *       {@code positive_data_acceptance}: their parameters depend on each other (a scope's
 *       {@code tenant_id} and {@code service} are required for some scope kinds and
 *       refused for the others; {@code to} must exceed {@code from}; {@code key} needs
 *       {@code namespace}; a {@code page_token} must be one the service issued), which
 *       query parameters cannot express in OpenAPI; the descriptions say each rule, and
 *       the service refuses each with a 400 naming the field. Every other check runs on
 *       them.</li>
 * </ul>
 */
@QuarkusTest
class OpenApiConformanceTest {

    private static final String NO_NUL = "--generation-allow-x00";

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void answersAsItsOpenApiDocumentSays() throws URISyntaxException {
        String tenant = TenantServiceProcess.createTenant();
        String token = TestTokens.user("openapi@" + tenant.substring(0, 8), Optional.of(tenant),
                Set.of("tenant-admin"));
        URI base = new URI("https", null, "127.0.0.1", service.getPort(), "", null, null);

        assertAll(
                () -> OpenApiConformance.check(base, token, NO_NUL, "false",
                        "--include-path-regex", "^/v1/config/(namespaces|effective$|revisions/compaction$)"),
                () -> OpenApiConformance.check(base, token, NO_NUL, "false",
                        "--include-path-regex", "^/v1/config/(entries/|revisions$|diff$)",
                        "--exclude-checks", "positive_data_acceptance"));
    }
}
