package io.aicunet.deploy;

import io.aicunet.platform.testing.FleetStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fleet's services as the deployment artefacts must know them, and the repository they live in. */
final class Fleet {

    /** Every service of the fleet, each with a chart, a Dockerfile and a compose entry. */
    static final List<String> SERVICES = List.of("tenant", "ledger", "agent-state", "audit", "config");

    /** The HTTP (and gRPC) port of each service, as services.conf and application.properties have them. */
    static final Map<String, Integer> HTTP_PORTS = Map.of(
            "tenant", 18081, "ledger", 18082, "agent-state", 18083, "audit", 18084, "config", 18085);

    /** Every chart: the library, the five services, the umbrella. */
    static final List<String> CHARTS = List.of("aicunet-lib", "tenant", "ledger", "agent-state", "audit", "config", "fleet");

    /** The charts that render objects (all but the library chart). */
    static final List<String> RENDERED_CHARTS = CHARTS.subList(1, CHARTS.size());

    private Fleet() {
    }

    static Path root() {
        return FleetStack.repositoryRoot();
    }

    /** The role prefix and database name of a service: agent-state -> agent_state. */
    static String rolePrefix(String service) {
        return service.replace('-', '_');
    }

    /** platform/devstack/services.conf: service -> port, in file order. */
    static Map<String, Integer> servicesConf() {
        Map<String, Integer> services = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(root().resolve("platform/devstack/services.conf"))) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                services.put(fields[0], Integer.parseInt(fields[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return services;
    }
}
