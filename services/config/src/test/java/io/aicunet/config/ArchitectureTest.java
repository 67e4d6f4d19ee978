package io.aicunet.config;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The service template (docs/ARCHITECTURE.md) for the config service: the domain free of
 * frameworks, the layers pointing inward, and each kind of class where the template puts
 * it. Only this service's own classes are imported (not the config-client jar, whose
 * package lies under this one). Every rule fails when it matches no class.
 */
class ArchitectureTest {

    private static final String ROOT = "io.aicunet.config";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    /** Proves: domain code imports no framework, no protobuf, no Mutiny, no JSON library, nothing of the outer layers. */
    @Test
    void domainIsFreeOfFrameworks() {
        noClasses().that().resideInAPackage(ROOT + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta..", "io.grpc..", "io.vertx..", "io.smallrye..",
                        "org.eclipse.microprofile..", "com.google.protobuf..", "io.aicunet.contracts..",
                        "com.fasterxml..", "com.networknt..",
                        ROOT + ".adapter..", ROOT + ".application..", ROOT + ".config..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: use cases do not reach into the edges, and every application class sits in a capability. */
    @Test
    void applicationDoesNotDependOnAdapters() {
        noClasses().that().resideInAPackage(ROOT + ".application..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".adapter..")
                .allowEmptyShould(false)
                .check(CLASSES);
        noClasses().should().resideInAPackage(ROOT + ".application")
                .check(CLASSES);
    }

    /** Proves: the contracts are used only at the edges and in application.contract. */
    @Test
    void contractsOnlyInAdaptersAndApplicationContract() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".adapter..", ROOT + ".application.contract..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.contracts..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: application.port holds only interfaces (and the types nested in them). */
    @Test
    void portsAreInterfaces() {
        classes().that().resideInAPackage(ROOT + ".application.port").and().areTopLevelClasses()
                .should().beInterfaces()
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: settings are @ConfigMapping interfaces in config, the service's one named *ServiceConfig. */
    @Test
    void settingsLiveInConfig() {
        classes().that().areAnnotatedWith("io.smallrye.config.ConfigMapping")
                .should().resideInAPackage(ROOT + ".config")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().resideInAPackage(ROOT + ".config").and().areTopLevelClasses()
                .should().beAnnotatedWith("io.smallrye.config.ConfigMapping").andShould().haveSimpleNameEndingWith(
                        "ServiceConfig")
                .orShould().haveSimpleNameEndingWith("KeySettings")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: jobs, gRPC services, REST resources and consumers each live in their own adapter package. */
    @Test
    void edgesLiveInTheirAdapters() {
        methods().that().areAnnotatedWith("io.quarkus.scheduler.Scheduled")
                .should().beDeclaredInClassesThat().resideInAPackage(ROOT + ".adapter.scheduling")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().areAnnotatedWith("io.quarkus.grpc.GrpcService")
                .should().resideInAPackage(ROOT + ".adapter.grpc")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().areAnnotatedWith("jakarta.ws.rs.Path")
                .should().resideInAPackage(ROOT + ".adapter.rest")
                .allowEmptyShould(false)
                .check(CLASSES);
        methods().that().areAnnotatedWith("org.eclipse.microprofile.reactive.messaging.Incoming")
                .should().beDeclaredInClassesThat().resideInAPackage(ROOT + ".adapter.kafka")
                .allowEmptyShould(true) // config consumes no topic today; the rule waits for the first consumer
                .check(CLASSES);
    }

    /** Proves: the personal-data declaration, the proto mapping and the privacy part are where the template puts them. */
    @Test
    void namedPartsLiveWhereTheTemplatePutsThem() {
        classes().that().haveSimpleNameEndingWith("PersonalData")
                .should().resideInAPackage(ROOT + ".adapter.persistence")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().haveSimpleNameEndingWith("Protos")
                .should().resideInAPackage(ROOT + ".application.contract")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().haveSimpleNameEndingWith("PrivacyPart")
                .should().resideInAPackage(ROOT + ".application.privacy")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: no adapter package depends on another one. */
    @Test
    void adaptersAreIndependent() {
        slices().matching(ROOT + ".adapter.(*)..").should().notDependOnEachOther()
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: neither the capabilities of the application nor the layers import each other in a circle. */
    @Test
    void slicesAreFreeOfCycles() {
        slices().matching(ROOT + ".application.(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false)
                .check(CLASSES);
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: no class is named for a vague role. */
    @Test
    void noVagueNames() {
        noClasses().should().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleNameEndingWith("Common")
                .check(CLASSES);
    }
}
