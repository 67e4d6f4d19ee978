package io.aicunet.tenant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the tenant service in the fleet's service template (docs/ARCHITECTURE.md). */
class ArchitectureTest {

    private static final String ROOT = "io.aicunet.tenant";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    /** Proves: domain code imports no framework, no protobuf, no contracts, no outer layer. */
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

    /** Proves: use cases do not reach into the edges, and live in capability packages. */
    @Test
    void applicationIsGroupedAndDoesNotDependOnAdapters() {
        noClasses().that().resideInAPackage(ROOT + ".application..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".adapter..")
                .allowEmptyShould(false)
                .check(CLASSES);
        noClasses().should().resideInAPackage(ROOT + ".application").allowEmptyShould(false).check(CLASSES);
        classes().that().resideInAPackage(ROOT + ".application.port").and().areTopLevelClasses()
                .should().beInterfaces().allowEmptyShould(false).check(CLASSES);
    }

    /** Proves: the generated contracts are used only at the edges and in application.contract. */
    @Test
    void contractsStayAtTheEdges() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".adapter..", ROOT + ".application.contract..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.contracts..")
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    /** Proves: framework entry points and named roles each have one home. */
    @Test
    void entryPointsAndRolesHaveOneHome() {
        methods().that().areAnnotatedWith("io.quarkus.scheduler.Scheduled")
                .should().beDeclaredInClassesThat().resideInAPackage(ROOT + ".adapter.scheduling")
                .allowEmptyShould(false).check(CLASSES);
        classes().that().areAnnotatedWith("io.quarkus.grpc.GrpcService")
                .should().resideInAPackage(ROOT + ".adapter.grpc").allowEmptyShould(false).check(CLASSES);
        classes().that().areAnnotatedWith("jakarta.ws.rs.Path")
                .should().resideInAPackage(ROOT + ".adapter.rest").allowEmptyShould(false).check(CLASSES);
        methods().that().areAnnotatedWith("org.eclipse.microprofile.reactive.messaging.Incoming")
                .should().beDeclaredInClassesThat().resideInAPackage(ROOT + ".adapter.kafka")
                .allowEmptyShould(false).check(CLASSES);
        classes().that().haveSimpleNameEndingWith("PersonalData")
                .should().resideInAPackage(ROOT + ".adapter.persistence").allowEmptyShould(false).check(CLASSES);
        classes().that().haveSimpleNameEndingWith("Protos")
                .should().resideInAPackage(ROOT + ".application.contract").allowEmptyShould(false).check(CLASSES);
        classes().that().areAnnotatedWith("io.smallrye.config.ConfigMapping")
                .should().resideInAPackage(ROOT + ".config").allowEmptyShould(false).check(CLASSES);
    }

    /** Proves: adapters are independent edges and neither capabilities nor layers form cycles. */
    @Test
    void noAdapterToAdapterDependenciesAndNoCycles() {
        slices().matching(ROOT + ".adapter.(*)..").should().notDependOnEachOther()
                .allowEmptyShould(false).check(CLASSES);
        slices().matching(ROOT + ".application.(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false).check(CLASSES);
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(false).check(CLASSES);
    }
}
