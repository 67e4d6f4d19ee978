package io.aicunet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The development keys, passwords, key ids and tokens the repository holds, found where
 * they live rather than listed by hand, so that one added later is covered too: every
 * credential setting of the services' and the platform's .properties files (in any
 * profile), the ids of development keys, and the local stack's fixed values.
 */
final class DevelopmentValues {

    /** Property names that hold a credential or a key (or a key's id). */
    private static final Pattern CREDENTIAL_PROPERTY = Pattern.compile(
            "(?i).*(password|secret|private-key|public-key|master-key|signing\\.keys|secrets\\.key|bearer-token|\\.token$|key-id).*");

    /** Property names that look like credentials but name where one is fetched (a URL, a path, a file to read it from). */
    private static final Pattern NOT_CREDENTIAL_PROPERTY = Pattern.compile("(?i).*(token-path|-url|\\.location|\\.path|-file)$");

    /** ${NAME} or ${NAME:default}: only the literal text around it and the default are values. */
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]*)(?::([^}]*))?}");

    /**
     * The local stack's values kept outside .properties (./fleet, the Keycloak realm,
     * docker-compose.yml) and the key ids of development keys, as the issue names them.
     */
    static final List<String> FIXED = List.of(
            "fleet-dev", "-dev-client-secret", "fleet-dev-opa-token", "local-1", "local-2", "dev-1");

    /** A development password of a database role: <prefix>_dev (e.g. ledger_app_dev). */
    static final Pattern DEV_PASSWORD = Pattern.compile("[A-Za-z0-9]_dev\\b");

    private DevelopmentValues() {
    }

    /** One credential setting with a development value: where, which profile ("" for none), name, value. */
    record Setting(Path file, String profile, String name, String value) {
    }

    /** The .properties files that configure the services: each service's own (with its tests' when asked), and the platform modules' defaults. */
    static List<Path> propertiesFiles(boolean withTestResources) {
        List<Path> files = new ArrayList<>();
        for (String service : Fleet.SERVICES) {
            files.addAll(propertiesUnder(Fleet.root().resolve("services").resolve(service).resolve("src/main/resources")));
            if (withTestResources) {
                files.addAll(propertiesUnder(Fleet.root().resolve("services").resolve(service).resolve("src/test/resources")));
            }
        }
        // A platform module configures the services through its microprofile-config.properties.
        try (Stream<Path> modules = Files.list(Fleet.root().resolve("platform"))) {
            for (Path module : modules.sorted().toList()) {
                Path defaults = module.resolve("src/main/resources/META-INF/microprofile-config.properties");
                if (Files.isRegularFile(defaults)) {
                    files.add(defaults);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The settings of these files whose names are credentials, with their development values. */
    static List<Setting> credentialSettings(List<Path> files) {
        List<Setting> settings = new ArrayList<>();
        for (Path file : files) {
            read(file).forEach((key, value) -> {
                String profile = "";
                String name = key;
                if (key.startsWith("%")) {
                    profile = key.substring(1, key.indexOf('.'));
                    name = key.substring(key.indexOf('.') + 1);
                }
                if (CREDENTIAL_PROPERTY.matcher(name).matches() && !NOT_CREDENTIAL_PROPERTY.matcher(name).matches()) {
                    settings.add(new Setting(file, profile, name, value));
                }
            });
        }
        return settings;
    }

    /** The settings of one service: its own files and the platform's (which every service uses). */
    static List<Setting> credentialSettingsOf(String service) {
        Path own = Fleet.root().resolve("services").resolve(service);
        Path platform = Fleet.root().resolve("platform");
        return credentialSettings(propertiesFiles(false)).stream()
                .filter(setting -> setting.file().startsWith(own) || setting.file().startsWith(platform))
                .toList();
    }

    /** Every development value to look for: the literal parts and defaults of credential settings, the development key ids, the fixed ones. */
    static Set<String> all() {
        Set<String> values = new TreeSet<>(FIXED);
        for (Setting setting : credentialSettings(propertiesFiles(true))) {
            values.addAll(literals(setting.value()));
            values.addAll(keyIdsIn(setting.name()));
        }
        return values;
    }

    /** The ids of development keys named inside a setting's name (tenant.master-keys.dev-1, audit.signing.keys.local-2.public-key). */
    static Set<String> keyIdsIn(String name) {
        Set<String> ids = new TreeSet<>();
        Matcher matcher = Pattern.compile("(?:master-keys|signing\\.keys)\\.([^.]+)").matcher(name);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    /** The values a setting's value stands for: its text outside ${...}, and each default inside; short fragments (":", "/") are not values. */
    static Set<String> literals(String value) {
        Set<String> literals = new TreeSet<>();
        Matcher matcher = EXPRESSION.matcher(value);
        StringBuilder outside = new StringBuilder();
        int end = 0;
        while (matcher.find()) {
            outside.append(value, end, matcher.start()).append('\n');
            if (matcher.group(2) != null) {
                literals.add(matcher.group(2).strip());
            }
            end = matcher.end();
        }
        outside.append(value.substring(end));
        for (String part : outside.toString().split("\n")) {
            literals.add(part.strip());
        }
        literals.removeIf(literal -> literal.length() < 5);
        return literals;
    }

    private static List<Path> propertiesUnder(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".properties")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A .properties file as written (order kept, no escapes beyond what these files use). */
    private static Map<String, String> read(Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            java.util.Properties properties = new java.util.Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    entries.put((String) key, (String) value);
                    return super.put(key, value);
                }
            };
            try (var reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
