package io.aicunet.agentstate;

import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module (but the Redis outage test, which brings its own
 * Redis) runs against one agent-state instance on the real local stack, with a
 * database and topic prefix of its own, and the real tenant service beside it (tenants,
 * their data keys, privacy requests); declaring the resource once here lets Quarkus
 * boot the application once for all those test classes.
 */
@QuarkusTestResource(value = FleetTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "agent-state"),
        @ResourceArg(name = "tenantService", value = "true")})
public final class AgentStateTestStack {

    private AgentStateTestStack() {
    }
}
