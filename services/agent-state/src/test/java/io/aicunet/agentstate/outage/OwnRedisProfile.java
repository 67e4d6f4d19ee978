package io.aicunet.agentstate.outage;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The application on the local stack, but with a Redis of its own that the test may take away. */
public class OwnRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisResource.class, Map.of("service", "agent-state", "tenantService", "true")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
