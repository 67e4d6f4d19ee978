package io.aicunet.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the domain free of frameworks and the layers pointing inward. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.aicunet.ledger");

    /** Proves: domain code imports no framework, no persistence, no gRPC, no Vert.x, no adapter. */
    @Test
    void domainIsFreeOfFrameworks() {
        noClasses().that().resideInAPackage("io.aicunet.ledger.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta..", "io.grpc..", "io.vertx..", "io.smallrye..",
                        "com.google.protobuf..", "io.aicunet.contracts..",
                        "io.aicunet.ledger.adapter..", "io.aicunet.ledger.application..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: use cases do not reach into the edges. */
    @Test
    void applicationDoesNotDependOnAdapters() {
        noClasses().that().resideInAPackage("io.aicunet.ledger.application..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.ledger.adapter..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }
}
