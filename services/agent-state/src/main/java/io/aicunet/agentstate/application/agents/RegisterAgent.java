package io.aicunet.agentstate.application.agents;

import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.agents.AgentCommands.RegisterAgentCommand;
import io.aicunet.agentstate.application.contract.AgentStateEvents;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.IdempotencyKeys;
import io.aicunet.agentstate.domain.Agent;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStateRules;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.RequestDigest;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Registers an agent in status REGISTERED, once per idempotency key: a retry with the
 * same key and request returns the first result; the same key with another request
 * is a conflict. Keys belong to the caller's subject within its tenant, and the subject
 * is recorded as the agent's creator (for privacy requests).
 */
@ApplicationScoped
public class RegisterAgent {

    public static final String ACTION = "agent-state.agents.register";

    /** What RegisterAgent produced; {@code replayed} when it repeats the first result of the key. */
    public record Registered(Agent agent, boolean replayed) {
    }

    private final AgentStateAccess access;
    private final IdempotencyKeys keys;
    private final TenantCipher cipher;

    public RegisterAgent(AgentStateAccess access, IdempotencyKeys keys, TenantCipher cipher) {
        this.access = access;
        this.keys = keys;
        this.cipher = cipher;
    }

    public Uni<Result<Registered>> execute(Caller caller, RegisterAgentCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        AgentStateRules.checkIdempotencyKey(command.idempotencyKey(), violations);
        AgentStateRules.checkKind(command.kind(), violations);
        Map<String, String> labels = command.labels() == null ? Map.of() : command.labels();
        AgentStateRules.checkLabels(labels, violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        String kind = command.kind().trim();
        byte[] digest = RequestDigest.builder().text("RegisterAgent").text(kind).textMap(labels).build().bytes();
        // Labels and the creator are personal data: a tenant without a data key (unknown or
        // erased) may not store any, even if these two are not encrypted.
        return access.authorized(caller, ACTION, Resource.owned(AgentStateAccess.AGENT, "", tenant.value()),
                () -> cipher.currentKey(tenant.value()).flatMap(dataKey -> !dataKey.isOk()
                        ? AgentStateAccess.<Registered>refuse(dataKey.problem())
                        : access.transaction(TenantScope.of(tenant.value()), connection -> register(connection,
                                caller, tenant.value(), command.idempotencyKey(), kind, labels, digest))));
    }

    private Uni<Result<Registered>> register(SqlConnection connection, Caller caller, TenantId tenant, String key,
                                             String kind, Map<String, String> labels, byte[] digest) {
        Agent agent = Agent.register(AgentId.random(), tenant, kind, labels, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return keys.claim(connection, tenant, caller.subject(), key, digest, agent.id().value())
                .flatMap(claimed -> claimed
                        ? insert(connection, agent, caller.subject())
                        : replay(connection, caller, tenant, key, digest));
    }

    private Uni<Result<Registered>> insert(SqlConnection connection, Agent agent, String subject) {
        return access.agents().insert(connection, agent, subject)
                .flatMap(ignored -> access.announce(connection, agent.tenant(), agent.id(),
                        AgentStateEvents.registered(agent)))
                .map(ignored -> Result.ok(new Registered(agent, false)));
    }

    private Uni<Result<Registered>> replay(SqlConnection connection, Caller caller, TenantId tenant, String key,
                                          byte[] digest) {
        return keys.find(connection, tenant, caller.subject(), key).flatMap(found -> {
            IdempotencyKeys.Used used = found.orElseThrow(() -> new IllegalStateException(
                    "idempotency key " + key + " was claimed but cannot be read"));
            if (!Arrays.equals(used.requestDigest(), digest)) {
                return AgentStateAccess.refuse(new Problem.Conflict("IDEMPOTENCY_KEY_REUSED",
                        "idempotency key " + key + " was used for a different request"));
            }
            return access.agents().find(connection, new AgentId(used.resultId()), LockMode.NONE)
                    .map(agent -> agent.<Result<Registered>>map(a -> Result.ok(new Registered(a, true)))
                            .orElseGet(() -> Result.failed(new Problem.NotFound(AgentStateAccess.AGENT,
                                    used.resultId().toString()))));
        });
    }
}
