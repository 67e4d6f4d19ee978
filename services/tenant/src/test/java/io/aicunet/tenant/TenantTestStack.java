package io.aicunet.tenant;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against one tenant-service instance on the
 * real local stack, with a database and topic prefix of its own and the stack's S3
 * object store (StackObjectStoreResource); declaring the
 * resource once here lets Quarkus boot the application once for all test classes.
 */
@QuarkusTestResource(value = FleetTestResource.class, initArgs = @ResourceArg(name = "service", value = "tenant"))
@QuarkusTestResource(StackObjectStoreResource.class)
public final class TenantTestStack {

    private TenantTestStack() {
    }
}
