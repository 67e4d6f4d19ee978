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
import java.util.regex.Pattern;

/**
 * A thread's history, newest first, a page at a time. The page token is the last
 * version of the previous page, so pages stay stable while checkpoints are added.
 */
@ApplicationScoped
public class ListCheckpoints {

    public static final String ACTION = "agent-state.checkpoints.read";

    private static final String TOKEN_PREFIX = "before-version:";
    /** The most digits of the version a page token names: versions stay far below 10^18. */
    private static final int TOKEN_DIGITS_MAX = 18;
    /** Base64url of three decimal digits (each byte 0x30 to 0x39), character by character. */
    private static final String DIGITS_3 = "(?:M[DTjz]|N[DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]";
    /** Base64url, unpadded, of one trailing decimal digit. */
    private static final String DIGITS_1 = "(?:M[AQgw]|N[AQgw]|O[AQ])";
    /** Base64url, unpadded, of two trailing decimal digits. */
    private static final String DIGITS_2 = "(?:M[DTjz]|N[DTjz]|O[DT])[AEIMQUYcgk]";
    /**
     * Every page token this service issues and accepts, and nothing else: the unpadded
     * base64url of {@code before-version:} (which is "YmVmb3JlLXZlcnNpb246", 15 bytes, so
     * the digits start on a group of three) followed by 1 to 18 decimal digits; or empty,
     * for the first page. A regular expression, so the OpenAPI document can say it exactly.
     */
    public static final String PAGE_TOKEN_PATTERN = "^(YmVmb3JlLXZlcnNpb246(?:" + DIGITS_3 + "){0,5}(?:" + DIGITS_3
            + "|" + DIGITS_2 + "|" + DIGITS_1 + "))?$";
    private static final Pattern PAGE_TOKEN = Pattern.compile(PAGE_TOKEN_PATTERN);

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
        String digits = Long.toString(version);
        if (version < 1 || digits.length() > TOKEN_DIGITS_MAX) {
            throw new IllegalStateException("a page ends at version " + version + ", which no token can name");
        }
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + version).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The version a page token names: the history continues below it. A token that does
     * not match {@link #PAGE_TOKEN_PATTERN} was not issued here and is refused; a matching
     * one names a version (0 or 1 name an empty rest of the history).
     */
    private static OptionalLong decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!PAGE_TOKEN.matcher(token).matches()) {
            violations.add(new FieldViolation("page_token", "is not a token this service issued"));
            return OptionalLong.empty();
        }
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        return OptionalLong.of(Long.parseLong(text.substring(TOKEN_PREFIX.length())));
    }
}
