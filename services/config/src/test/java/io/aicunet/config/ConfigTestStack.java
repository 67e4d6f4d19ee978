package io.aicunet.config;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against one config-service instance on the
 * real local stack (PostgreSQL, Redis, Kafka, OPA), with a database and topic prefix
 * of its own, and the real tenant service beside it (tenants, their data keys, privacy
 * requests); declaring the resource once here lets Quarkus boot the application once
 * for all test classes.
 */
@QuarkusTestResource(value = FleetTestResource.class, initArgs = {
    @ResourceArg(name = "service", value = "config"),
    @ResourceArg(name = "tenantService", value = "true")})
public final class ConfigTestStack {

    private ConfigTestStack() {
    }
}
