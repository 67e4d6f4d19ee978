package io.aicunet.audit;

import static com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_JARS;
import static com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.aicunet.audit.config.AuditKeySettings;
import io.aicunet.platform.testing.ServiceArchitecture;
import org.junit.jupiter.api.Test;

/** Keeps the audit service in the fleet's one service template. */
class ArchitectureTest {

    /**
     * Proves: the service follows the fleet's service template (platform/testing
     * ServiceArchitecture). AuditKeySettings is left out of the import: the template puts
     * {@code <Svc>KeySettings} in config beside the service's settings, which rule 5b
     * (config holds only @ConfigMapping types) does not allow yet. When it does, this
     * becomes {@code ServiceArchitecture.check("io.aicunet.audit")}.
     */
    @Test
    void followsTheServiceTemplate() {
        ServiceArchitecture.check("io.aicunet.audit", new ClassFileImporter()
                .withImportOption(DO_NOT_INCLUDE_TESTS)
                .withImportOption(DO_NOT_INCLUDE_JARS)
                .withImportOption(location -> !location.contains(AuditKeySettings.class.getSimpleName()))
                .importPackages("io.aicunet.audit"));
    }
}
