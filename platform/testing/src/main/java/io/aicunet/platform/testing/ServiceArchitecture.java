package io.aicunet.platform.testing;

import static com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_JARS;
import static com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The service template as one set of ArchUnit rules, so the five services cannot drift apart
 * again. A service's {@code ArchitectureTest} calls {@link #check(String)} with its root package
 * ({@code io.aicunet.<service>}); the rules are those of the table "Rules enforced by
 * ServiceArchitecture" in the issue 15 design: where domain, application, ports, contract
 * mappers, adapters, settings, jobs and privacy code live, and what each may depend on.
 *
 * <p>Every rule is evaluated, and all that fail are reported together in one assertion error
 * carrying ArchUnit's own messages, so one run shows the whole list of what to move. Rules whose
 * subject every service has (a domain, gRPC and REST edges, settings, jobs, a personal-data
 * declaration, a mapper) refuse to match nothing: a typo in the root package, or a service that
 * lost one of them, fails instead of passing vacuously. Only two subjects are optional: Kafka
 * consumers ({@code @Incoming}; agent-state and config receive privacy requests through
 * platform/privacy's consumer) and a {@code *PrivacyPart} (tenant orchestrates privacy requests
 * instead of answering them).
 */
public final class ServiceArchitecture {

    /** Packages the domain may not touch: frameworks, protobuf and the generated contracts. */
    static final String[] FRAMEWORK_PACKAGES = {
            "io.quarkus..", "jakarta..", "io.grpc..", "io.vertx..", "io.smallrye..",
            "org.eclipse.microprofile..", "com.google.protobuf..", "io.aicunet.contracts.."};

    private static final String CONFIG_MAPPING = "io.smallrye.config.ConfigMapping";
    private static final String SCHEDULED = "io.quarkus.scheduler.Scheduled";
    private static final String GRPC_SERVICE = "io.quarkus.grpc.GrpcService";
    private static final String PATH = "jakarta.ws.rs.Path";
    private static final String INCOMING = "org.eclipse.microprofile.reactive.messaging.Incoming";

    private ServiceArchitecture() {
    }

    /**
     * Imports the service's own compiled main classes under {@code rootPackage} (no tests, no
     * jars: config's client library shares the root package and must stay out) and fails,
     * listing every violated rule, unless all rules hold.
     */
    public static void check(String rootPackage) {
        Objects.requireNonNull(rootPackage, "rootPackage");
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(DO_NOT_INCLUDE_TESTS)
                .withImportOption(DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
        check(rootPackage, classes);
    }

    /**
     * Checks already imported classes; for the proof that the rules fail both ways, whose
     * fixtures are test classes the public import leaves out.
     */
    public static void check(String rootPackage, JavaClasses classes) {
        List<String> failures = new ArrayList<>();
        for (ArchRule rule : rules(rootPackage)) {
            try {
                EvaluationResult result = rule.evaluate(classes);
                if (result.hasViolation()) {
                    failures.add(result.getFailureReport().toString());
                }
            } catch (AssertionError emptyShould) {
                // ArchUnit refuses a rule whose subject matched no class by throwing here.
                failures.add(emptyShould.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("Service " + rootPackage + " breaks " + failures.size()
                    + " rule(s) of the service template (docs/ARCHITECTURE.md):\n\n"
                    + String.join("\n\n", failures));
        }
    }

    /** The rules, numbered as in the design's table; each description says what it keeps. */
    static List<ArchRule> rules(String root) {
        String domain = root + ".domain..";
        String application = root + ".application..";
        String adapter = root + ".adapter..";
        String config = root + ".config";
        List<ArchRule> rules = new ArrayList<>();

        // 1. The domain is rules only: no framework, no protobuf, no outer layer.
        String[] domainForbidden = concat(FRAMEWORK_PACKAGES, application, adapter, config + "..");
        rules.add(noClasses().that().resideInAPackage(domain)
                .should().dependOnClassesThat().resideInAnyPackage(domainForbidden)
                .allowEmptyShould(false)
                .as("1. domain is free of frameworks, protobuf, contracts and of application, adapter and config"));

        // 2. Use cases never reach into the edges; application is grouped by capability.
        rules.add(noClasses().that().resideInAPackage(application)
                .should().dependOnClassesThat().resideInAPackage(adapter)
                .allowEmptyShould(false)
                .as("2a. application never depends on adapter"));
        rules.add(noClasses().should().resideInAPackage(root + ".application")
                .allowEmptyShould(false)
                .as("2b. no class directly in " + root + ".application (only in capability subpackages)"));

        // 3. The generated contracts stay at the edges and in the one mapping package.
        rules.add(noClasses().that().resideOutsideOfPackages(adapter, root + ".application.contract..")
                .should().dependOnClassesThat().resideInAPackage("io.aicunet.contracts..")
                .allowEmptyShould(false)
                .as("3. io.aicunet.contracts is used only in adapter and application.contract"));

        // 4. Ports are interfaces; records and enums they need nest inside them.
        rules.add(classes().that().resideInAPackage(root + ".application.port").and().areTopLevelClasses()
                .should().beInterfaces()
                .allowEmptyShould(false)
                .as("4. application.port holds only interfaces (types they need nest inside them)"));

        // 5. Settings: @ConfigMapping only in config, config only @ConfigMapping, one *ServiceConfig.
        rules.add(classes().that().areAnnotatedWith(CONFIG_MAPPING)
                .should().resideInAPackage(config)
                .allowEmptyShould(false)
                .as("5a. @ConfigMapping types reside in " + config));
        rules.add(classes().that().resideInAPackage(config).and().areTopLevelClasses()
                .should().beAnnotatedWith(CONFIG_MAPPING)
                .allowEmptyShould(false)
                .as("5b. " + config + " holds only @ConfigMapping types (and types nested in them)"));
        rules.add(classes().that().areAnnotatedWith(CONFIG_MAPPING).and().haveSimpleNameEndingWith("ServiceConfig")
                .should(beTheOnlyOne())
                .allowEmptyShould(false)
                .as("5c. exactly one @ConfigMapping named *ServiceConfig, the service's settings"));

        // 6. Framework entry points live in their adapter.
        rules.add(methods().that().areAnnotatedWith(SCHEDULED)
                .should().beDeclaredInClassesThat().resideInAPackage(root + ".adapter.scheduling")
                .allowEmptyShould(false)
                .as("6a. @Scheduled methods only in adapter.scheduling"));
        rules.add(classes().that().areAnnotatedWith(GRPC_SERVICE)
                .should().resideInAPackage(root + ".adapter.grpc")
                .allowEmptyShould(false)
                .as("6b. @GrpcService classes only in adapter.grpc"));
        rules.add(classes().that().areAnnotatedWith(PATH)
                .should().resideInAPackage(root + ".adapter.rest")
                .allowEmptyShould(false)
                .as("6c. JAX-RS @Path classes only in adapter.rest"));
        rules.add(methods().that().areAnnotatedWith(INCOMING)
                .should().beDeclaredInClassesThat().resideInAPackage(root + ".adapter.kafka")
                .allowEmptyShould(true)
                .as("6d. @Incoming methods only in adapter.kafka"));

        // 7. Named roles have one home.
        rules.add(classes().that().haveSimpleNameEndingWith("PersonalData")
                .should().resideInAPackage(root + ".adapter.persistence")
                .allowEmptyShould(false)
                .as("7a. *PersonalData declarations in adapter.persistence"));
        rules.add(classes().that().haveSimpleNameEndingWith("Protos")
                .should().resideInAPackage(root + ".application.contract")
                .allowEmptyShould(false)
                .as("7b. *Protos mappers in application.contract"));
        rules.add(classes().that().haveSimpleNameEndingWith("PrivacyPart")
                .should().resideInAPackage(root + ".application.privacy")
                .allowEmptyShould(true)
                .as("7c. *PrivacyPart in application.privacy"));

        // 8. Adapters are independent edges.
        rules.add(slices().matching(root + ".adapter.(*)..")
                .should().notDependOnEachOther()
                .allowEmptyShould(false)
                .as("8. no adapter package depends on another adapter package"));

        // 9. No cycles between capabilities, nor between the layers.
        rules.add(slices().matching(root + ".application.(*)..")
                .should().beFreeOfCycles()
                .allowEmptyShould(false)
                .as("9a. application capabilities are free of cycles"));
        rules.add(slices().matching(root + ".(*)..")
                .should().beFreeOfCycles()
                .allowEmptyShould(false)
                .as("9b. the layers under " + root + " are free of cycles"));

        // 10. Names say what a thing is.
        rules.add(noClasses().should().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleNameEndingWith("Common")
                .allowEmptyShould(false)
                .as("10. no class named *Manager, *Util, *Utils, *Helper or *Common"));
        return rules;
    }

    /** Holds when exactly one class matched the rule's subject; names all of them otherwise. */
    private static ArchCondition<JavaClass> beTheOnlyOne() {
        return new ArchCondition<>("be the only one") {
            private final List<String> names = new ArrayList<>();

            @Override
            public void init(Collection<JavaClass> allObjectsToTest) {
                names.clear();
                allObjectsToTest.forEach(type -> names.add(type.getName()));
            }

            @Override
            public void check(JavaClass type, ConditionEvents events) {
                // Judged once over all matches in finish().
            }

            @Override
            public void finish(ConditionEvents events) {
                if (names.size() > 1) {
                    events.add(SimpleConditionEvent.violated(names,
                            names.size() + " service settings mappings instead of one: " + names));
                }
            }
        };
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
