package io.aicunet.config;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the domain free of frameworks and the layers pointing inward. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.aicunet.config");

    /** Proves: domain code imports no framework, no persistence, no gRPC, no Vert.x, no JSON library, no adapter. */
    @Test
    void domainIsFreeOfFrameworks() {
        noClasses().that().resideInAPackage("io.aicunet.config.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta.persistence..", "io.grpc..", "io.vertx..", "jakarta.ws..",
                        "com.fasterxml..", "com.networknt..",
                        "io.aicunet.config.adapter..", "io.aicunet.config.application..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: use cases do not reach into the edges. */
    @Test
    void applicationDoesNotDependOnAdapters() {
        noClasses().that().resideInAPackage("io.aicunet.config.application..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.config.adapter..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }
}
