package io.aicunet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's configuration as its .properties files give it, in the profiles ./fleet up
 * runs it in (services.sh: QUARKUS_PROFILE=dev,service-tls): its application.properties
 * (ordinal 250) and the META-INF/microprofile-config.properties of every platform module it
 * depends on, directly or through another (ordinal 100). Resolved the way SmallRye Config
 * resolves them: a profile's value over the plain one, unless the plain one comes from a
 * source of higher ordinal; the environment (ordinal 300) over both.
 */
final class ServiceSettings {

    /** One value of a setting: where it comes from (its ordinal) and for which profile ("" for none). */
    record Entry(Path file, int ordinal, String profile, String value) {
    }

    /** ${name} or ${name:default}, not nested. */
    static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>(.*?)</dependency>");

    final String service;
    final List<String> profiles;
    final Map<String, List<Entry>> entries = new LinkedHashMap<>();

    ServiceSettings(String service, List<String> profiles) {
        this.service = service;
        this.profiles = profiles;
        Path own = Fleet.root().resolve("services").resolve(service).resolve("src/main/resources/application.properties");
        load(own, 250);
        for (String module : platformModules(Fleet.root().resolve("services").resolve(service).resolve("pom.xml"), new LinkedHashSet<>())) {
            Path defaults = Fleet.root().resolve("platform").resolve(module).resolve("src/main/resources/META-INF/microprofile-config.properties");
            if (Files.isRegularFile(defaults)) {
                load(defaults, 100);
            }
        }
    }

    /** The platform modules a pom depends on outside the test scope, with theirs. */
    static Set<String> platformModules(Path pom, Set<String> found) {
        Matcher dependency = DEPENDENCY.matcher(Devstack.read(pom));
        while (dependency.find()) {
            String block = dependency.group(1);
            Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(block);
            Matcher scope = Pattern.compile("<scope>([^<]+)</scope>").matcher(block);
            if (!artifact.find() || (scope.find() && !List.of("compile", "runtime").contains(scope.group(1)))) {
                continue;
            }
            Path module = Fleet.root().resolve("platform").resolve(artifact.group(1));
            if (Files.isRegularFile(module.resolve("pom.xml")) && found.add(artifact.group(1))) {
                platformModules(module.resolve("pom.xml"), found);
            }
        }
        return found;
    }

    private void load(Path file, int ordinal) {
        java.util.Properties properties = new java.util.Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                String name = (String) key;
                List<String> keyProfiles = List.of("");
                if (name.startsWith("%")) {
                    keyProfiles = List.of(name.substring(1, name.indexOf('.')).split(","));
                    name = name.substring(name.indexOf('.') + 1);
                }
                for (String profile : keyProfiles) {
                    entries.computeIfAbsent(name, n -> new ArrayList<>()).add(new Entry(file, ordinal, profile, (String) value));
                }
                return super.put(key, value);
            }
        };
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every setting some file names (in any profile). */
    Set<String> names() {
        return entries.keySet();
    }

    /** The value the files give a setting in the active profiles (a later profile wins), or null. */
    Entry fileValue(String name) {
        Entry plain = null;
        Entry profiled = null;
        for (Entry entry : entries.getOrDefault(name, List.of())) {
            if (entry.profile().isEmpty()) {
                if (plain == null || entry.ordinal() > plain.ordinal()) {
                    plain = entry;
                }
            } else if (profiles.contains(entry.profile())) {
                if (profiled == null || entry.ordinal() > profiled.ordinal()
                        || (entry.ordinal() == profiled.ordinal()
                        && profiles.indexOf(entry.profile()) > profiles.indexOf(profiled.profile()))) {
                    profiled = entry;
                }
            }
        }
        if (profiled != null && (plain == null || plain.ordinal() <= profiled.ordinal())) {
            return profiled;
        }
        return plain;
    }

    /** The environment variable names that set {@code name}: plain, and for each active profile. */
    List<String> environmentNames(String name) {
        List<String> names = new ArrayList<>();
        names.add(environmentName(name));
        for (String profile : profiles) {
            names.add(environmentName("%" + profile + "." + name));
        }
        return names;
    }

    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * The value of {@code name} with the environment {@code environment} (the compose
     * service's, or ./fleet up's), its expressions expanded: a variable of the environment,
     * another setting (resolved the same way), or the expression's default. Null when unset.
     */
    String resolve(String name, Map<String, String> environment) {
        return resolve(name, environment, new LinkedHashSet<>());
    }

    private String resolve(String name, Map<String, String> environment, Set<String> visiting) {
        if (!visiting.add(name)) {
            throw new AssertionError(service + ": " + name + " refers to itself");
        }
        try {
            if (name.equals("quarkus.application.name") && fileValue(name) == null) {
                return service;
            }
            for (String variable : environmentNames(name)) {
                if (environment.containsKey(variable)) {
                    return expand(environment.get(variable), environment, visiting);
                }
            }
            Entry entry = fileValue(name);
            return entry == null ? null : expand(entry.value(), environment, visiting);
        } finally {
            visiting.remove(name);
        }
    }

    private String expand(String value, Map<String, String> environment, Set<String> visiting) {
        return replace(value, expression -> {
            String reference = expression.group(1);
            String resolved = environment.containsKey(reference) ? environment.get(reference)
                    : reference.matches("[A-Z][A-Z0-9_]*") ? null
                    : resolve(reference, environment, visiting);
            if (resolved == null) {
                resolved = expression.group(2) == null ? "${" + reference + "}" : expression.group(2);
            }
            return resolved;
        });
    }

    static String replace(String value, Function<Matcher, String> replacement) {
        Matcher matcher = EXPRESSION.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement.apply(matcher)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** The settings this service takes from the files whose value, with its references inlined, mentions the local stack. */
    Map<String, String> localStackSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : names()) {
            Entry entry = fileValue(name);
            if (entry == null) {
                continue;
            }
            String inlined = inline(entry.value(), new LinkedHashSet<>(List.of(name)));
            if (ComposeParityTest.mentionsLocalStack(inlined)) {
                settings.put(name, inlined);
            }
        }
        return settings;
    }

    /** A value with every reference to another setting replaced by that setting's own (inlined) value; variables kept. */
    private String inline(String value, Set<String> visiting) {
        return replace(value, expression -> {
            String reference = expression.group(1);
            Entry entry = reference.matches("[A-Z][A-Z0-9_]*") || visiting.contains(reference) ? null : fileValue(reference);
            if (entry == null) {
                return expression.group(0);
            }
            visiting.add(reference);
            try {
                return inline(entry.value(), visiting);
            } finally {
                visiting.remove(reference);
            }
        });
    }
}
