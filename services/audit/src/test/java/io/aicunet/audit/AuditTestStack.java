package io.aicunet.audit;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against one audit-service instance on the
 * real local stack, with a database and topic prefix of its own; declaring the
 * resource once here lets Quarkus boot the application once for all test classes.
 * The real tenant service runs beside it: tenants' data keys, privacy requests.
 */
@QuarkusTestResource(value = FleetTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "audit"),
        @ResourceArg(name = "tenantService", value = "true")})
public final class AuditTestStack {

    private AuditTestStack() {
    }
}
