package io.aicunet.audit.adapter.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.OpenApiConformance;
import io.aicunet.platform.testing.TenantServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves the audit service answers every REST operation as its OpenAPI document
 * ({@code /q/openapi}) says: Schemathesis generates valid and invalid requests from the
 * document and runs every check it has (no 5xx; status, headers, content type and body as
 * documented; schema-valid requests accepted, schema-invalid ones refused; requests
 * without the token refused; 405 with Allow).
 *
 * <p>It calls as a platform administrator at platform scope (the one caller every
 * operation admits, legal holds included) on the log of a real tenant of the tenant
 * service, so records with details are sealed with its data key, and the log already
 * holds records to query, checkpoint, verify and export.
 */
@QuarkusTest
class OpenApiConformanceTest {

    /** The caller: platform-admin may do every audit action at platform scope. */
    private static final String SUBJECT = "openapi-audit@aicunet.io";
    /** The records the log holds before the run: the ones appended here and the tenant's TenantCreated event. */
    private static final int PREPARED_RECORDS = 4;

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void everyOperationAnswersAsDocumented() throws IOException, URISyntaxException {
        String tenant = TenantServiceProcess.createTenant();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            client.asService().append(AuditFixtures.anAppend(tenant, PREPARED_RECORDS - 1).build());
        }
        // The document itself is served to anyone who asks; kept beside the report.
        String document = given().get(service + "q/openapi?format=json").then().statusCode(200).extract().asString();
        Files.createDirectories(reports());
        Files.writeString(reports().resolve("openapi.json"), document, StandardCharsets.UTF_8);
        URI base = new URI("https", null, "127.0.0.1", service.getPort(), "/", null, null);
        String token = TestTokens.user(SUBJECT, Optional.empty(), Set.of("platform-admin"));
        OpenApiConformance.checkWithConfig(base, token, schemathesisConfig(tenant),
                // A platform user acts at platform scope only, and must say so: the header is
                // required for a token bound to no tenant (the document says so too).
                "--header", TestCallers.TENANT + ": platform");
        // The run reached the log, not only refusals: requests valid by the document were appended.
        int records = given().headers(TestCallers.platformAdmin())
                .get(service + "v1/audit/tenants/" + tenant + "/records?page_size=500")
                .then().statusCode(200).extract().path("records.size()");
        assertThat(records).as("records in the log after the run (3 appended here, 1 from TenantCreated)")
                .isGreaterThan(PREPARED_RECORDS);
    }

    /** Where OpenApiConformance runs Schemathesis and keeps its report. */
    private Path reports() {
        return Path.of("target", "schemathesis", "port-" + service.getPort());
    }

    /**
     * The Schemathesis configuration of the run:
     * <ul>
     *   <li>every operation on the tenant's log acts on the prepared tenant, so the
     *       operations reach the log instead of only an unknown tenant's 404 and 409;</li>
     *   <li>positive_data_acceptance also takes a 400 on three operations (the
     *       command line's {@code --checks all} overrides a check disabled per operation,
     *       so it is narrowed this way), each because a rule
     *       JSON Schema cannot state answers 400 to a request valid by the document (the
     *       rules are in its descriptions): Append refuses an occurred_at more than 5
     *       minutes after the service's clock; the query refuses recorded_to not after
     *       recorded_from, and a page_token it did not issue; the export refuses a range
     *       beyond the log's last record, an inverted range and more than 100000 records. Each is a malformed request for
     *       what the log holds now, so 400 is right; every other check still runs on
     *       them, and negative_data_rejection still proves invalid requests refused.</li>
     * </ul>
     */
    private static String schemathesisConfig(String tenant) {
        StringBuilder config = new StringBuilder()
                .append("[parameters]\n")
                .append("\"path.tenantId\" = \"").append(tenant).append("\"\n");
        for (String[] operation : new String[][] {
                {"POST", "/v1/audit/tenants/{tenantId}/records"},
                {"GET", "/v1/audit/tenants/{tenantId}/records"},
                {"GET", "/v1/audit/tenants/{tenantId}/export"}}) {
            config.append("\n[[operations]]\n")
                    .append("include-method = \"").append(operation[0]).append("\"\n")
                    .append("include-path = \"").append(operation[1]).append("\"\n")
                    .append("checks.positive_data_acceptance.expected-statuses = [\"2xx\", \"3xx\", \"400\",")
                    .append(" \"401\", \"403\", \"404\", \"409\", \"429\", \"5xx\"]\n");
        }
        return config.toString();
    }
}
