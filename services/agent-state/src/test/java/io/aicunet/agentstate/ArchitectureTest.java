package io.aicunet.agentstate;

import io.aicunet.platform.testing.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/** Keeps agent-state in the fleet's service template. */
class ArchitectureTest {

    /** Proves: the service follows the fleet's service template (platform/testing ServiceArchitecture). */
    @Test
    void followsTheServiceTemplate() {
        ServiceArchitecture.check("io.aicunet.agentstate");
    }
}
