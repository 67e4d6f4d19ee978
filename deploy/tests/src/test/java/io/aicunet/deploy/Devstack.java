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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ./fleet up} runs, read from the scripts that run it (./fleet and
 * platform/devstack/bin/*.sh) rather than listed by hand, so that a component, a setting
 * or a version changed there is one that docker-compose.yml must follow.
 */
final class Devstack {

    private Devstack() {
    }

    static Path bin(String script) {
        return Fleet.root().resolve("platform/devstack/bin").resolve(script);
    }

    static Path resource(String path) {
        return Fleet.root().resolve("platform/devstack/src/main/resources").resolve(path);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of {@code pattern} in {@code text}, or an error naming where it was looked for. */
    static String find(String text, String pattern, String where) {
        Matcher matcher = Pattern.compile(pattern, Pattern.MULTILINE).matcher(text);
        if (!matcher.find()) {
            throw new AssertionError(where + " has no match for " + pattern + ": the parity test must learn its new form");
        }
        return matcher.group(1);
    }

    /** ./fleet's INFRA: the infrastructure components, in start order. */
    static List<String> infrastructure() {
        return List.of(find(read(Fleet.root().resolve("fleet")), "^INFRA=\\(([^)]*)\\)", "./fleet").trim().split("\\s+"));
    }

    /**
     * The port variable of each infrastructure component, from ./fleet's check_ports_free
     * ({@code require_free_port postgres "$FLEET_PG_PORT" ...}): FLEET_PG_PORT -> postgres.
     */
    static Map<String, String> componentByPortVariable() {
        Map<String, String> components = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("require_free_port ([a-z-]+) \"\\$(FLEET_[A-Z_]+_PORT)\"")
                .matcher(read(Fleet.root().resolve("fleet")));
        while (matcher.find()) {
            components.put(matcher.group(2), matcher.group(1));
        }
        return components;
    }

    /** A pinned version of bin/&lt;script&gt;: {@code NAME="value"}. */
    static String version(String script, String variable) {
        return find(read(bin(script)), "^" + variable + "=\"([^\"]+)\"", "platform/devstack/bin/" + script);
    }

    /** The default of an exported setting of common.sh: {@code export NAME="${NAME:-default}"}. */
    static String commonDefault(String variable) {
        return find(read(bin("common.sh")), "export " + variable + "=\"\\$\\{" + variable + ":-([^}]*)}\"", "common.sh");
    }

    /**
     * The environment ./fleet up gives a service on {@code port}: services.sh's own
     * service_environment (what service_start and ./fleet env use), run here with bash in a
     * throw-away FLEET_HOME: name -> value.
     */
    static Map<String, String> serviceEnvironment(int port, Path home) {
        String output;
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                    "set -euo pipefail; for lib in common tls services; do source \"$FLEET_ROOT/platform/devstack/bin/$lib.sh\"; done;"
                            + " fleet_config; service_environment \"$1\"; printf '%s\\n' \"${SERVICE_ENVIRONMENT[@]}\"",
                    "service_environment", String.valueOf(port)).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("FLEET_"));
            builder.environment().put("FLEET_ROOT", Fleet.root().toString());
            builder.environment().put("FLEET_HOME", home.toString());
            Process process = builder.start();
            output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new AssertionError("services.sh's service_environment failed (the parity test must learn its new form): " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.contains("=")) {
                variables.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return variables;
    }

    /** services.sh's default JVM options (FLEET_SERVICE_JAVA_OPTS), one option each. */
    static List<String> serviceJavaOptions() {
        return List.of(find(read(bin("services.sh")), "FLEET_SERVICE_JAVA_OPTS=\"\\$\\{FLEET_SERVICE_JAVA_OPTS:-([^}]*)}\"", "services.sh")
                .trim().split("\\s+"));
    }

    /**
     * The options a script passes to a program after {@code marker} up to the end of that
     * command (lines joined at trailing backslashes): the {@code --name} and its value, if any
     * (the next word when it does not start with "--"), as written (shell quoting kept).
     */
    static Map<String, String> options(String script, String marker) {
        String text = read(bin(script)).replace("\\\n", " ");
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new AssertionError(script + " no longer runs `" + marker + "`: the parity test must learn its new form");
        }
        String command = text.substring(at + marker.length(), text.indexOf('\n', at));
        Map<String, String> options = new LinkedHashMap<>();
        List<String> words = new ArrayList<>(List.of(command.trim().split("\\s+")));
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("--")) {
                continue;
            }
            if (word.contains("=")) {
                options.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            } else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--") && !words.get(i + 1).startsWith("<")) {
                options.put(word, words.get(++i));
            } else {
                options.put(word, "");
            }
        }
        return options;
    }

    /** The settings of a heredoc's {@code key=value} or {@code key = value} lines between two markers of a script. */
    static Map<String, String> heredocSettings(String script, String from, String to) {
        String text = read(bin(script));
        int start = text.indexOf(from);
        int end = text.indexOf(to, start + from.length());
        if (start < 0 || end < 0) {
            throw new AssertionError(script + " no longer writes " + from + ": the parity test must learn its new form");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : text.substring(start + from.length(), end).split("\n")) {
            Matcher setting = Pattern.compile("^([a-z_][a-z0-9_.-]*)\\s*=\\s*(.*)$").matcher(line.strip());
            if (setting.matches()) {
                settings.put(setting.group(1), setting.group(2).strip());
            }
        }
        return settings;
    }

    /** Services with their own superuser steps: services/&lt;service&gt;/src/main/resources/db/bootstrap/*.sql. */
    static Set<String> servicesWithBootstrap() {
        Set<String> services = new LinkedHashSet<>();
        for (String service : Fleet.servicesConf().keySet()) {
            Path directory = Fleet.root().resolve("services").resolve(service).resolve("src/main/resources/db/bootstrap");
            if (Files.isDirectory(directory)) {
                services.add(service);
            }
        }
        return services;
    }
}
