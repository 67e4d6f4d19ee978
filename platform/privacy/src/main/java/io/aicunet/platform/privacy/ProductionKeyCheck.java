package io.aicunet.platform.privacy;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Refuses to start a service outside the {@code dev} and {@code test} profiles when a
 * key it declared ({@link KeySettings}) is missing, comes from the application's own
 * files, or is a development value, naming every such setting. Development keys live
 * only under {@code %dev.} and {@code %test.} in a service's application.properties;
 * whatever those profiles give a declared setting (the key, and for keys by id the id)
 * is a development value wherever it shows up. So in {@code prod}:
 * <ul>
 * <li>every declared setting is set, and non-blank;</li>
 * <li>none comes from a source inside the application (its application.properties,
 * META-INF/microprofile-config.properties or a default in code, ordinal 250 and
 * below): a key there is a key in the repository;</li>
 * <li>none equals a development value, and no key id is a development key id, so
 * the development public keys and ids ({@code local-1}, {@code local-2},
 * {@code dev-1}) are not trusted either.</li>
 * </ul>
 * Runs first among the start-up observers, before consumers and jobs start.
 */
@ApplicationScoped
public class ProductionKeyCheck {

    /** Profiles whose keys may be development keys. */
    static final Set<String> DEVELOPMENT_PROFILES = Set.of("dev", "test");
    /** Sources at or below this ordinal are the application's own (classpath application.properties is 250). */
    static final int APPLICATION_SOURCE_ORDINAL_MAX = 250;
    /** An expression in a configuration value: ${name} or ${name:default}. */
    private static final java.util.regex.Pattern EXPRESSION =
            java.util.regex.Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    void refuseDevelopmentKeys(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start,
                               Instance<KeySettings> declarations) {
        SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        if (config.getOptionalValue("quarkus.init-and-exit", Boolean.class).orElse(false)) {
            // The migration job: it runs the changelog as the owner and exits, serving no
            // caller and using no key, so the deployment gives it none.
            return;
        }
        List<String> problems = new ArrayList<>();
        for (KeySettings declared : declarations) {
            problems.addAll(problems(config, declared));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(refusal(config, problems));
        }
    }

    /** What keeps the service from starting with this configuration; empty in dev and test. */
    public static List<String> problems(SmallRyeConfig config, KeySettings declared) {
        if (config.getProfiles().stream().anyMatch(DEVELOPMENT_PROFILES::contains)) {
            return List.of();
        }
        Set<String> development = developmentValues(config, declared);
        List<String> problems = new ArrayList<>();
        for (String name : declared.settings()) {
            check(config, name, true, development, problems);
        }
        for (KeySettings.Keyed group : declared.keyed()) {
            for (String id : group.ids()) {
                if (development.contains(id)) {
                    problems.add(group.prefix() + "." + id + ": " + id + " is a development key id, not trusted"
                            + " outside the dev and test profiles; remove it");
                }
            }
            for (String name : group.names()) {
                check(config, name, group.parts().isEmpty(), development, problems);
            }
        }
        // A setting may be declared alone and in its group (the active key): name it once.
        return List.copyOf(new LinkedHashSet<>(problems));
    }

    /** The message the service stops with. */
    static String refusal(SmallRyeConfig config, List<String> problems) {
        String service = config.getOptionalValue("quarkus.application.name", String.class).orElse("this service");
        // getProfiles() lists the highest priority first; named as quarkus.profile gives them.
        List<String> profiles = new java.util.ArrayList<>(config.getProfiles());
        java.util.Collections.reverse(profiles);
        return "the " + service + " service does not start in profile " + String.join(",", profiles)
                + " with development or missing keys:\n  - " + String.join("\n  - ", problems)
                + "\nDevelopment keys exist only in the dev and test profiles; a deployment sets its own from a"
                + " secret (docs/deploy.md).";
    }

    private static void check(SmallRyeConfig config, String name, boolean required, Set<String> development,
                              List<String> problems) {
        ConfigValue value = config.getConfigValue(name);
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            if (required) {
                problems.add(name + " is not set; set it from a secret");
            }
            return;
        }
        if (development.contains(value.getValue().trim())) {
            problems.add(name + " is a development value (what the dev and test profiles use); set this"
                    + " deployment's own from a secret");
        } else if (value.getSourceOrdinal() <= APPLICATION_SOURCE_ORDINAL_MAX) {
            problems.add(name + " comes from " + value.getSourceName() + ", inside the application, which makes"
                    + " it a key in the repository; set it from a secret");
        }
    }

    /**
     * What the dev and test profiles give the declared settings, read from every source
     * as written ({@code %dev.name}, {@code %test.name}, {@code %dev,test.name}): the values,
     * and for keys by id the ids.
     */
    static Set<String> developmentValues(SmallRyeConfig config, KeySettings declared) {
        Set<String> values = new TreeSet<>();
        for (ConfigSource source : config.getConfigSources()) {
            for (String written : source.getPropertyNames()) {
                Optional<String> name = developmentName(written);
                if (name.isEmpty()) {
                    continue;
                }
                String value = source.getValue(written);
                String expanded = expanded(config, value);
                if (declared.settings().contains(name.get())) {
                    addValue(values, value);
                    addValue(values, expanded);
                }
                for (KeySettings.Keyed group : declared.keyed()) {
                    idIn(group, name.get()).ifPresent(id -> {
                        values.add(id);
                        addValue(values, value);
                        addValue(values, expanded);
                    });
                }
            }
        }
        return values;
    }

    /** {@code name} of {@code %dev.name}, {@code %test.name} or {@code %dev,test.name}; empty for anything else. */
    static Optional<String> developmentName(String written) {
        if (!written.startsWith("%") || written.indexOf('.') < 0) {
            return Optional.empty();
        }
        int dot = written.indexOf('.');
        for (String profile : written.substring(1, dot).split(",")) {
            if (DEVELOPMENT_PROFILES.contains(profile.trim())) {
                return Optional.of(written.substring(dot + 1));
            }
        }
        return Optional.empty();
    }

    /** The key id in {@code <prefix>.<id>} or {@code <prefix>.<id>.<part>}, if the name is one of the group's. */
    private static Optional<String> idIn(KeySettings.Keyed group, String name) {
        if (!name.startsWith(group.prefix() + ".")) {
            return Optional.empty();
        }
        String rest = name.substring(group.prefix().length() + 1);
        if (group.parts().isEmpty()) {
            return rest.isEmpty() || rest.contains(".") ? Optional.empty() : Optional.of(rest);
        }
        for (String part : group.parts()) {
            if (rest.endsWith("." + part) && rest.length() > part.length() + 1) {
                return Optional.of(rest.substring(0, rest.length() - part.length() - 1));
            }
        }
        return Optional.empty();
    }

    /**
     * A development value with its expressions resolved as this run would resolve them
     * ({@code ${quarkus.application.name}-dev-client-secret},
     * {@code ${FLEET_OPA_TOKEN:fleet-dev-opa-token}}): the configured value, else the
     * default; an expression with neither stays as written.
     */
    static String expanded(SmallRyeConfig config, String value) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        java.util.regex.Matcher expression = EXPRESSION.matcher(value);
        StringBuilder result = new StringBuilder();
        while (expression.find()) {
            String resolved = config.getOptionalValue(expression.group(1), String.class)
                    .orElse(expression.group(2) != null ? expression.group(2) : expression.group());
            expression.appendReplacement(result, java.util.regex.Matcher.quoteReplacement(resolved));
        }
        expression.appendTail(result);
        return result.toString();
    }

    private static void addValue(Set<String> values, String value) {
        if (value != null && !value.isBlank()) {
            values.add(value.trim());
        }
    }
}
