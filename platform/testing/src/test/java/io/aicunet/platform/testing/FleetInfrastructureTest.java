package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetInfrastructure.Choice;
import io.aicunet.platform.testing.FleetInfrastructure.Engine;
import io.aicunet.platform.testing.FleetInfrastructure.Kind;
import io.aicunet.platform.testing.FleetInfrastructure.Ports;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Proves how a JVM chooses between the local stack and containers: auto takes containers only
 * when nothing answers on the FLEET_* ports and an engine is reachable, explicit local never
 * probes, explicit containers without an engine and an unknown value fail with a clear
 * message, and -Dfleet.infra beats FLEET_INFRA. Plain JUnit: no stack, no engine.
 */
class FleetInfrastructureTest {

    private static final Engine REACHABLE = new Engine(true, "Testcontainers reached unix:///var/run/docker.sock");
    private static final Engine UNREACHABLE = new Engine(false, "no engine socket at [/var/run/docker.sock]");

    /** A probe that counts its calls. */
    private static final class Probe implements Supplier<Engine> {
        private final Engine answer;
        private final AtomicInteger calls = new AtomicInteger();

        Probe(Engine answer) {
            this.answer = answer;
        }

        @Override
        public Engine get() {
            calls.incrementAndGet();
            return answer;
        }
    }

    @Test
    void autoTakesContainersWhenNothingAnswersAndAnEngineIsReachable() {
        Choice choice = FleetInfrastructure.choose(null, null, Ports.NONE_ANSWER, new Probe(REACHABLE));

        assertThat(choice.kind()).isEqualTo(Kind.CONTAINERS);
        assertThat(choice.reason()).contains("auto (the default)").contains(REACHABLE.detail());
        assertThat(choice.logLine()).startsWith("fleet infrastructure: containers (auto (the default): ");
    }

    @Test
    void autoTakesTheLocalStackWithoutAnEngineAndSaysWhy() {
        Choice choice = FleetInfrastructure.choose(null, null, Ports.NONE_ANSWER, new Probe(UNREACHABLE));

        assertThat(choice.kind()).isEqualTo(Kind.LOCAL);
        assertThat(choice.logLine()).startsWith("fleet infrastructure: local (")
                .contains("no container engine is reachable").contains(UNREACHABLE.detail())
                .contains("./fleet up --infra");
    }

    @Test
    void autoUsesWhatAlreadyAnswersWithoutProbing() {
        Probe probe = new Probe(REACHABLE);

        Choice all = FleetInfrastructure.choose(null, null, Ports.ALL_ANSWER, probe);
        Choice some = FleetInfrastructure.choose(null, "auto", Ports.SOME_ANSWER, probe);

        assertThat(all.kind()).isEqualTo(Kind.LOCAL);
        assertThat(all.reason()).contains("every FLEET_* port already answers");
        assertThat(some.kind()).isEqualTo(Kind.LOCAL);
        assertThat(some.reason()).startsWith("FLEET_INFRA=auto").contains("collide");
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void explicitLocalNeverProbes() {
        Probe probe = new Probe(REACHABLE);

        Choice choice = FleetInfrastructure.choose("local", null, Ports.NONE_ANSWER, probe);

        assertThat(choice.kind()).isEqualTo(Kind.LOCAL);
        assertThat(choice.reason()).startsWith("-Dfleet.infra=local");
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void explicitContainersWithAnEngineIsContainersWhateverAnswers() {
        Choice choice = FleetInfrastructure.choose(null, "containers", Ports.ALL_ANSWER, new Probe(REACHABLE));

        assertThat(choice.kind()).isEqualTo(Kind.CONTAINERS);
        assertThat(choice.reason()).startsWith("FLEET_INFRA=containers").contains(REACHABLE.detail());
    }

    @Test
    void explicitContainersWithoutAnEngineFailsClearly() {
        assertThatThrownBy(() -> FleetInfrastructure.choose("containers", null, Ports.NONE_ANSWER, new Probe(UNREACHABLE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-Dfleet.infra=containers, but no container engine is reachable")
                .hasMessageContaining(UNREACHABLE.detail())
                .hasMessageContaining("-Dfleet.infra=local");
        assertThatThrownBy(() -> FleetInfrastructure.choose(null, "containers", Ports.NONE_ANSWER, new Probe(UNREACHABLE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("FLEET_INFRA=containers, but no container engine is reachable");
    }

    @Test
    void anUnknownValueFailsNamingWhereItCameFromAndWhatIsAllowed() {
        Probe probe = new Probe(REACHABLE);

        assertThatThrownBy(() -> FleetInfrastructure.choose("docker", null, Ports.NONE_ANSWER, probe))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dfleet.infra is 'docker': it must be local, containers or auto (the default)");
        assertThatThrownBy(() -> FleetInfrastructure.choose(null, "kubernetes", Ports.NONE_ANSWER, probe))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLEET_INFRA is 'kubernetes': it must be local, containers or auto (the default)");
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void theSystemPropertyBeatsTheEnvironment() {
        Probe probe = new Probe(REACHABLE);

        Choice local = FleetInfrastructure.choose("local", "containers", Ports.NONE_ANSWER, probe);
        Choice containers = FleetInfrastructure.choose("containers", "local", Ports.NONE_ANSWER, probe);
        // A bad environment value does not matter when the property decides.
        Choice overBadValue = FleetInfrastructure.choose("local", "nonsense", Ports.NONE_ANSWER, probe);

        assertThat(local.kind()).isEqualTo(Kind.LOCAL);
        assertThat(local.reason()).startsWith("-Dfleet.infra=local");
        assertThat(containers.kind()).isEqualTo(Kind.CONTAINERS);
        assertThat(containers.reason()).startsWith("-Dfleet.infra=containers");
        assertThat(overBadValue.kind()).isEqualTo(Kind.LOCAL);
    }

    @Test
    void aBlankPropertyLeavesTheChoiceToTheEnvironmentAndValuesIgnoreCaseAndSpaces() {
        Choice choice = FleetInfrastructure.choose("  ", " Containers ", Ports.NONE_ANSWER, new Probe(REACHABLE));

        assertThat(choice.kind()).isEqualTo(Kind.CONTAINERS);
        assertThat(choice.reason()).startsWith("FLEET_INFRA=containers");
    }
}
