package io.aicunet.ledger.adapter.rest;

import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.platform.testing.OpenApiConformance;
import io.aicunet.platform.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves (issue 14, item 1): the ledger answers every REST operation as its own OpenAPI
 * document ({@code /q/openapi}) says. Schemathesis, run by platform/testing's
 * {@link OpenApiConformance} with every check, generates valid and invalid requests for
 * each operation from the document and finds no 5xx, no status, header, content type or
 * body the document does not declare, no schema-valid request refused with 400 or 422 and
 * no schema-invalid one accepted, no request without the token served, and a 405 with
 * {@code Allow} for methods a path lacks.
 *
 * <p>The caller is a real token of the local identity provider bound to a tenant the
 * tenant service knows (so accounts naming a data subject can be opened, its data key
 * exists), with the roles that together may do the most: {@code ledger-writer} opens
 * accounts and posts transfers, {@code tenant-admin} also reads the cost reports. Closing
 * an account and verifying the invariant are platform operators' and answer 403, which
 * their documents declare.
 *
 * <p>One check is left out for one pair of operations: the two cost reports take a range
 * {@code from..to} that must not run backwards and covers at most 366 days (ReadCostReport;
 * the range is bounded so a report's query stays bounded). That relation between two
 * parameters cannot be said in JSON Schema, so a generated range breaks it nearly always
 * and is refused with 400, which {@code positive_data_acceptance} counts as a schema-valid
 * request refused. Their documents state the rule in words; every other check still runs
 * on them, and every check on every other operation.
 */
@QuarkusTest
class OpenApiConformanceTest extends LedgerTestBase {

    /** The cost reports, whose from..to range rule JSON Schema cannot state (see above). */
    private static final String REPORTS = "^/v1/reports/";

    @BeforeEach
    void aTenantTheTenantServiceKnows() {
        useRealTenant();
    }

    @Test
    void everyOperationAnswersAsItsDocumentSays() {
        String token = TestTokens.user("openapi@" + tenant.substring(0, 8), Optional.of(tenant),
                Set.of("ledger-writer", "tenant-admin"));
        URI ledger = URI.create("https://127.0.0.1:" + service.getPort());
        OpenApiConformance.check(ledger, token, "--exclude-path-regex", REPORTS);
        OpenApiConformance.check(ledger, token, "--include-path-regex", REPORTS,
                "--exclude-checks", "positive_data_acceptance");
    }
}
