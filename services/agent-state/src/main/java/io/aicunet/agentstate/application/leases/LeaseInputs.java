package io.aicunet.agentstate.application.leases;

import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;

/** Checks shared by the lease use cases. */
final class LeaseInputs {

    private LeaseInputs() {
    }

    /** The lease time asked for, 0 meaning the default; adds a violation when out of bounds. */
    static long ttlMillis(long asked, AgentStateServiceConfig.Lease config, List<FieldViolation> violations) {
        long ttl = asked == 0 ? config.ttlMillisDefault() : asked;
        AgentStateRules.checkMillis("ttl_millis", ttl, config.ttlMillisMin(), config.ttlMillisMax(), violations);
        return ttl;
    }

    static void checkToken(long token, List<FieldViolation> violations) {
        if (token < 1) {
            violations.add(new FieldViolation("fencing_token", "must be the token ClaimLease returned"));
        }
    }

    static Problem unavailable() {
        return new Problem.Unavailable("leases need Redis, which does not answer; nothing was changed, retry");
    }

    static Problem lost(String agentId) {
        return new Problem.FailedPrecondition("LEASE_NOT_HELD", "agents/" + agentId,
                "this worker does not hold the agent's lease with this token (it expired or was claimed again)");
    }
}
