package io.aicunet.config;

import io.aicunet.platform.testing.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/** Keeps the config service in the fleet's service template (docs/ARCHITECTURE.md). */
class ArchitectureTest {

    /** Proves: the service follows the fleet's service template (platform/testing ServiceArchitecture). */
    @Test
    void followsTheServiceTemplate() {
        ServiceArchitecture.check("io.aicunet.config");
    }
}
