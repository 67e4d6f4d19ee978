package io.aicunet.audit;

import io.aicunet.platform.testing.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/** Keeps the audit service in the fleet's one service template. */
class ArchitectureTest {

    /** Proves: the service follows the fleet's service template (platform/testing ServiceArchitecture). */
    @Test
    void followsTheServiceTemplate() {
        ServiceArchitecture.check("io.aicunet.audit");
    }
}
