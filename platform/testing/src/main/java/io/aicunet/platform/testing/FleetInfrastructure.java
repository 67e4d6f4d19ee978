package io.aicunet.platform.testing;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Which infrastructure this JVM's tests run against: the local stack ({@code ./fleet up
 * --infra}: plain processes) or containers ({@link FleetContainers}: Testcontainers), both on
 * the same 127.0.0.1 ports with the same FLEET_HOME, so a test cannot tell them apart.
 *
 * <p>Set by {@code -Dfleet.infra} or, without it, the environment variable {@code FLEET_INFRA}:
 * <ul>
 *   <li>{@code local}: the local stack, started by {@code ./fleet up --infra} when a part of it
 *       does not answer (what the tests always did);</li>
 *   <li>{@code containers}: containers, which fails with the reason when no container engine
 *       answers;</li>
 *   <li>{@code auto} (the default): the local stack when anything already answers on a FLEET_*
 *       port (a running local stack, or containers a previous run kept with Testcontainers
 *       reuse: started containers would collide with it on the fixed ports), otherwise
 *       containers when an engine answers, otherwise the local stack.</li>
 * </ul>
 * The choice is made once per JVM and logged in one line saying which and why.
 */
public final class FleetInfrastructure {

    /** The system property that chooses; it beats {@link #ENVIRONMENT_VARIABLE}. */
    public static final String PROPERTY = "fleet.infra";
    /** The environment variable that chooses when the system property is not set. */
    public static final String ENVIRONMENT_VARIABLE = "FLEET_INFRA";

    private static final Logger LOG = Logger.getLogger(FleetInfrastructure.class);
    private static volatile Choice current;

    private FleetInfrastructure() {
    }

    /** The two kinds of infrastructure. */
    public enum Kind {
        LOCAL, CONTAINERS;

        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the FLEET_* ports answered before anything was started. */
    public enum Ports {
        NONE_ANSWER, SOME_ANSWER, ALL_ANSWER
    }

    /** The answer of a container engine probe, with what was found (or what was missing). */
    public record Engine(boolean reachable, String detail) {
        public Engine {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The choice, and why: the line that is logged. */
    public record Choice(Kind kind, String reason) {
        public Choice {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }

        public String logLine() {
            return "fleet infrastructure: " + kind.settingValue() + " (" + reason + ")";
        }
    }

    /**
     * This JVM's choice: made at the first call (from the system property, the environment,
     * the FLEET_* ports and, only if it matters, a probe of the container engine) and logged.
     */
    public static Choice current() {
        Choice choice = current;
        if (choice == null) {
            synchronized (FleetInfrastructure.class) {
                choice = current;
                if (choice == null) {
                    choice = choose(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE),
                            FleetStack.portsAnswering(), FleetContainers::probeEngine);
                    LOG.info(choice.logLine());
                    current = choice;
                }
            }
        }
        return choice;
    }

    /**
     * The choice for a system property and environment value (either null when unset), the
     * state of the FLEET_* ports, and an engine probe, called only when the answer depends on it.
     *
     * @throws IllegalArgumentException for a value that is none of local, containers, auto
     * @throws IllegalStateException for {@code containers} when no engine is reachable
     */
    public static Choice choose(String property, String environment, Ports ports, Supplier<Engine> engineProbe) {
        String source;
        String value;
        if (property != null && !property.isBlank()) {
            source = "-D" + PROPERTY;
            value = property;
        } else if (environment != null && !environment.isBlank()) {
            source = ENVIRONMENT_VARIABLE;
            value = environment;
        } else {
            source = null;
            value = "auto";
        }
        String setting = value.strip().toLowerCase(Locale.ROOT);
        switch (setting) {
            case "local":
                return new Choice(Kind.LOCAL, source + "=local: the local stack, ./fleet up --infra starts what does"
                        + " not answer");
            case "containers": {
                Engine engine = engineProbe.get();
                if (!engine.reachable()) {
                    throw new IllegalStateException(source + "=containers, but no container engine is reachable ("
                            + engine.detail() + "). Start Docker or Podman (Testcontainers finds it through"
                            + " DOCKER_HOST, ~/.testcontainers.properties or the default socket), or run against"
                            + " the local stack: -D" + PROPERTY + "=local");
                }
                return new Choice(Kind.CONTAINERS, source + "=containers; engine: " + engine.detail());
            }
            case "auto":
                return chooseAutomatically(source == null ? "auto (the default)" : source + "=auto", ports, engineProbe);
            default:
                throw new IllegalArgumentException((source == null ? "fleet.infra" : source) + " is '" + value
                        + "': it must be local, containers or auto (the default)");
        }
    }

    private static Choice chooseAutomatically(String setting, Ports ports, Supplier<Engine> engineProbe) {
        switch (ports) {
            case ALL_ANSWER:
                return new Choice(Kind.LOCAL, setting + ": every FLEET_* port already answers (the local stack, or"
                        + " containers kept by Testcontainers reuse): using what runs");
            case SOME_ANSWER:
                return new Choice(Kind.LOCAL, setting + ": part of the local stack answers on its FLEET_* ports;"
                        + " ./fleet up --infra starts the rest (containers would collide with it on the same ports)");
            default:
                Engine engine = engineProbe.get();
                if (engine.reachable()) {
                    return new Choice(Kind.CONTAINERS, setting + ": nothing answers on the FLEET_* ports and a container"
                            + " engine is reachable (" + engine.detail() + ")");
                }
                return new Choice(Kind.LOCAL, setting + ": no container engine is reachable (" + engine.detail()
                        + "): the local stack, started by ./fleet up --infra");
        }
    }
}
