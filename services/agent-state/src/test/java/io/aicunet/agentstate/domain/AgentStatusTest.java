package io.aicunet.agentstate.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent state machine, as plain logic. */
class AgentStatusTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** Proves: exactly the transitions of the issue are legal, and nobody but the service makes an agent lost. */
    @Test
    void onlyLegalTransitions() {
        assertThat(AgentStatus.REGISTERED.next()).containsExactlyInAnyOrder(AgentStatus.IDLE, AgentStatus.TERMINATED);
        assertThat(AgentStatus.IDLE.next()).containsExactlyInAnyOrder(AgentStatus.RUNNING, AgentStatus.TERMINATED);
        assertThat(AgentStatus.RUNNING.next()).containsExactlyInAnyOrder(AgentStatus.IDLE, AgentStatus.PAUSED,
                AgentStatus.FAILED, AgentStatus.COMPLETED, AgentStatus.TERMINATED);
        assertThat(AgentStatus.PAUSED.next()).containsExactlyInAnyOrder(AgentStatus.RUNNING, AgentStatus.TERMINATED);
        assertThat(AgentStatus.LOST.next()).containsExactlyInAnyOrder(AgentStatus.IDLE, AgentStatus.FAILED,
                AgentStatus.TERMINATED);
        for (AgentStatus finished : Set.of(AgentStatus.FAILED, AgentStatus.COMPLETED, AgentStatus.TERMINATED)) {
            assertThat(finished.next()).as(finished + " is final").isEmpty();
            assertThat(finished.isFinal()).isTrue();
        }
        for (AgentStatus status : AgentStatus.values()) {
            assertThat(status.canBecome(AgentStatus.LOST)).as(status + " -> lost by a caller").isFalse();
        }
        assertThat(EnumSet.allOf(AgentStatus.class).stream().filter(AgentStatus::isLive))
                .containsExactlyInAnyOrder(AgentStatus.IDLE, AgentStatus.RUNNING);
    }

    /** Proves: an illegal move is a FailedPrecondition naming both statuses, and a legal one bumps the version. */
    @Test
    void moveToChecksTheMachine() {
        Agent registered = Agent.register(AgentId.random(), TenantId.random(), "k", Map.of(), NOW);
        Result<Agent> illegal = registered.moveTo(AgentStatus.RUNNING, NOW);
        assertThat(illegal.isOk()).isFalse();
        assertThat(illegal.problem()).isInstanceOf(Problem.FailedPrecondition.class);
        assertThat(((Problem.FailedPrecondition) illegal.problem()).type()).isEqualTo("ILLEGAL_STATUS_TRANSITION");
        assertThat(illegal.problem().detail()).contains("registered").contains("running");

        Agent idle = registered.moveTo(AgentStatus.IDLE, NOW.plusSeconds(1)).value();
        assertThat(idle.version()).isEqualTo(2);
        assertThat(idle.statusChangedAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(idle.markLost(NOW).status()).isEqualTo(AgentStatus.LOST);
    }

    /** Proves: a fencing token other than the newest is refused; none (0) and the newest pass. */
    @Test
    void fencingTokens() {
        Agent agent = new Agent(AgentId.random(), TenantId.random(), "k", Map.of(), AgentStatus.RUNNING,
                java.util.Optional.of("w"), 3, 4, NOW, NOW);
        assertThat(agent.checkFencingToken(0)).isEmpty();
        assertThat(agent.checkFencingToken(3)).isEmpty();
        assertThat(agent.checkFencingToken(2)).hasValueSatisfying(problem ->
                assertThat(((Problem.FailedPrecondition) problem).type()).isEqualTo("STALE_FENCING_TOKEN"));
        assertThat(agent.checkFencingToken(4)).isPresent();
    }
}
