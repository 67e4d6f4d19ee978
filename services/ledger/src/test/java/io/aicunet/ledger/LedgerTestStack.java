package io.aicunet.ledger;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against one ledger-service instance on the
 * real local stack, with a database and topic prefix of its own; declaring the
 * resource once here lets Quarkus boot the application once for all test classes.
 * The real tenant service runs beside it (tenants, their data keys and retention
 * periods, privacy requests); tests that store personal data use its tenants, the
 * others random tenant ids, which the ledger accepts for everything but personal data.
 * The reporting datasource is the run's database too, as the ledger's reporting role
 * (made by the bootstrap script an operator runs: {@code ReportingRoles}).
 */
@QuarkusTestResource(value = FleetTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "ledger"),
        @ResourceArg(name = "tenantService", value = "true")})
public final class LedgerTestStack {

    private LedgerTestStack() {
    }
}
