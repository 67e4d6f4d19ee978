package io.aicunet.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the ledger in the fleet's service template (docs: design of issue 15); a rule that matches nothing fails. */
class ArchitectureTest {

    private static final String ROOT = "io.aicunet.ledger";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    /** Proves: domain code imports no framework, protobuf, contracts, Mutiny or outer layer. */
    @Test
    void domainIsFreeOfFrameworks() {
        noClasses().that().resideInAPackage(ROOT + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta..", "io.grpc..", "io.vertx..", "io.smallrye..",
                        "org.eclipse.microprofile..", "com.google.protobuf..", "io.aicunet.contracts..",
                        ROOT + ".adapter..", ROOT + ".application..", ROOT + ".config..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: use cases do not reach into the edges, and live in capability subpackages only. */
    @Test
    void applicationIsGroupedAndDoesNotDependOnAdapters() {
        noClasses().that().resideInAPackage(ROOT + ".application..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".adapter..")
                .allowEmptyShould(false)
                .check(CLASSES);
        noClasses().should().resideInAPackage(ROOT + ".application").check(CLASSES);
    }

    /** Proves: the generated contracts are used only in adapters and application.contract. */
    @Test
    void contractsStayAtTheEdges() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".adapter..", ROOT + ".application.contract..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.contracts..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: ports are interfaces; settings are @ConfigMapping types in config. */
    @Test
    void portsAreInterfacesAndSettingsLiveInConfig() {
        classes().that().resideInAPackage(ROOT + ".application.port").and().areTopLevelClasses()
                .should().beInterfaces()
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().areAnnotatedWith("io.smallrye.config.ConfigMapping")
                .should().resideInAPackage(ROOT + ".config")
                .andShould().haveSimpleName("LedgerServiceConfig")
                .allowEmptyShould(false)
                .check(CLASSES);
        classes().that().resideInAPackage(ROOT + ".config").and().areTopLevelClasses()
                .should().beAnnotatedWith("io.smallrye.config.ConfigMapping")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: jobs, gRPC, REST and Kafka entry points each live in their adapter; named roles in their home. */
    @Test
    void entryPointsAndNamedRolesHaveOneHome() {
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
                .allowEmptyShould(false)
                .check(CLASSES);
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

    /** Proves: adapters do not depend on each other; capabilities and layers are free of cycles. */
    @Test
    void adaptersAreIndependentAndSlicesFreeOfCycles() {
        slices().matching(ROOT + ".adapter.(*)..").should().notDependOnEachOther()
                .allowEmptyShould(false).check(CLASSES);
        slices().matching(ROOT + ".application.(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false).check(CLASSES);
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false).check(CLASSES);
    }

    /** Proves: no class is named for vagueness (*Manager, *Util(s), *Helper, *Common). */
    @Test
    void namesSayWhatThingsAre() {
        noClasses().should().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleNameEndingWith("Common")
                .check(CLASSES);
    }
}
