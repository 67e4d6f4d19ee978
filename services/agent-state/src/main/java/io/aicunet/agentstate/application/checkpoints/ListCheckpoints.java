package io.aicunet.agentstate.application.checkpoints;

import io.aicunet.agentstate.application.access.AgentInputs;
import io.aicunet.agentstate.application.access.AgentStateAccess;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ListCheckpointsQuery;
import io.aicunet.agentstate.application.port.Agents.LockMode;
import io.aicunet.agentstate.application.port.Checkpoints;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A thread's history, newest first, a page at a time. The page token is the last
 * version of the previous page, so pages stay stable while checkpoints are added.
 */
@ApplicationScoped
public class ListCheckpoints {

    public static final String ACTION = "agent-state.checkpoints.read";

    private static final String TOKEN_PREFIX = "before-version:";

    /** One page; {@code nextPageToken} is empty on the last. */
    public record Page(List<CheckpointSummary> checkpoints, String nextPageToken) {
    }

    private final AgentStateAccess access;
    private final Checkpoints checkpoints;
    private final AgentStateServiceConfig config;

    public ListCheckpoints(AgentStateAccess access, Checkpoints checkpoints, AgentStateServiceConfig config) {
        this.access = access;
        this.checkpoints = checkpoints;
        this.config = config;
    }

    public Uni<Result<Page>> execute(Caller caller, ListCheckpointsQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AgentId> agentId = AgentInputs.agentId(query.agentId(), violations);
        Optional<ThreadId> threadId = AgentInputs.threadId("thread_id", query.threadId(), violations);
        int pageSize = query.pageSize() == 0 ? config.pageSizeDefault() : query.pageSize();
        if (pageSize < 1 || pageSize > config.pageSizeMax()) {
            violations.add(new FieldViolation("page_size", "must be 1 to " + config.pageSizeMax()));
        }
        OptionalLong before = decode(query.pageToken(), violations);
        Result<TenantId> tenant = AgentStateAccess.tenantOf(caller);
        if (!tenant.isOk()) {
            return AgentStateAccess.refuse(tenant.problem());
        }
        if (!violations.isEmpty()) {
            return AgentStateAccess.refuse(new Problem.InvalidArgument(violations));
        }
        return access.inTenant(caller, tenant.value(), ACTION, AgentStateAccess.THREAD, threadId.get().toString(),
                connection -> checkpoints.findThread(connection, threadId.get(), LockMode.NONE).flatMap(thread -> {
                    if (thread.isEmpty() || !thread.get().agentId().equals(agentId.get())) {
                        return AgentStateAccess.<Page>refuse(new Problem.NotFound(AgentStateAccess.THREAD,
                                threadId.get().toString()));
                    }
                    return checkpoints.listSummaries(connection, threadId.get(), before, pageSize + 1)
                            .map(found -> {
                                boolean more = found.size() > pageSize;
                                List<CheckpointSummary> page = more ? found.subList(0, pageSize) : found;
                                String next = more ? encode(page.get(page.size() - 1).version()) : "";
                                return Result.ok(new Page(List.copyOf(page), next));
                            });
                }));
    }

    private static String encode(long version) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + version).getBytes(StandardCharsets.UTF_8));
    }

    private static OptionalLong decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(TOKEN_PREFIX)) {
                long version = Long.parseLong(text.substring(TOKEN_PREFIX.length()));
                if (version > 1) {
                    return OptionalLong.of(version);
                }
            }
        } catch (IllegalArgumentException notOurs) {
            // reported below; NumberFormatException is an IllegalArgumentException too
        }
        violations.add(new FieldViolation("page_token", "is not a token this service issued"));
        return OptionalLong.empty();
    }
}
