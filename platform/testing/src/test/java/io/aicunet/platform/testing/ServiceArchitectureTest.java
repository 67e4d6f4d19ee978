package io.aicunet.platform.testing;

import static com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_JARS;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * Proves the service template's rules fail both ways: a fixture service laid out by the template
 * passes, one that breaks every rule fails naming each rule, and a root package that matches
 * nothing fails instead of passing vacuously. The fixtures are test classes, so they are
 * imported here with tests included; services use {@link ServiceArchitecture#check(String)}.
 */
class ServiceArchitectureTest {

    private static final String GOOD = "io.aicunet.architecturefixture.good";
    private static final String BAD = "io.aicunet.architecturefixture.bad";

    private static JavaClasses fixture(String rootPackage) {
        return new ClassFileImporter().withImportOption(DO_NOT_INCLUDE_JARS).importPackages(rootPackage);
    }

    /** Proves: a service laid out by the template passes every rule, optional subjects included. */
    @Test
    void serviceLaidOutByTheTemplatePasses() {
        assertThatCode(() -> ServiceArchitecture.check(GOOD, fixture(GOOD))).doesNotThrowAnyException();
    }

    /** Proves: every rule fails on its own fixture, and all failures are reported together. */
    @Test
    void serviceBreakingEveryRuleFailsNamingEachRule() {
        assertThatThrownBy(() -> ServiceArchitecture.check(BAD, fixture(BAD)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("breaks 19 rule(s)")
                .hasMessageContainingAll(
                        "Rule '1. domain is free of frameworks",
                        "com.google.protobuf.Timestamp",
                        "Rule '2a. application never depends on adapter'",
                        "Rule '2b. no class directly in " + BAD + ".application",
                        "Rule '3. io.aicunet.contracts is used only in adapter and application.contract'",
                        "Rule '4. application.port holds only interfaces",
                        "Rule '5a. @ConfigMapping types reside in " + BAD + ".config'",
                        BAD + ".application.orders.OrderSettings",
                        "Rule '5b. " + BAD + ".config holds only @ConfigMapping types",
                        BAD + ".config.Defaults",
                        "Rule '5c. exactly one @ConfigMapping named *ServiceConfig",
                        "2 service settings mappings instead of one",
                        "Rule '6a. @Scheduled methods only in adapter.scheduling'",
                        "Rule '6b. @GrpcService classes only in adapter.grpc'",
                        "Rule '6c. JAX-RS @Path classes only in adapter.rest'",
                        "Rule '6d. @Incoming methods only in adapter.kafka'",
                        "Rule '7a. *PersonalData declarations in adapter.persistence'",
                        "Rule '7b. *Protos mappers in application.contract'",
                        "Rule '7c. *PrivacyPart in application.privacy'",
                        "Rule '8. no adapter package depends on another adapter package'",
                        "Rule '9a. application capabilities are free of cycles'",
                        "Rule '9b. the layers under " + BAD + " are free of cycles'",
                        "Rule '10. no class named *Manager, *Util, *Utils, *Helper or *Common'",
                        BAD + ".adapter.persistence.RowHelper");
    }

    /** Proves: a root package that matches no class (a typo) fails instead of passing vacuously. */
    @Test
    void rootPackageMatchingNothingFails() {
        assertThatThrownBy(() -> ServiceArchitecture.check(GOOD + "s", fixture(GOOD)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
    }

    /**
     * Proves: the services' entry point imports main classes only; the fixtures, being test
     * classes, are invisible to it, so the check fails as for an empty service.
     */
    @Test
    void servicesEntryPointLeavesTestClassesOut() {
        assertThatThrownBy(() -> ServiceArchitecture.check(GOOD))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
    }
}
