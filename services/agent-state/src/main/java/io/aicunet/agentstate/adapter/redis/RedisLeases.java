package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.Leases;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * Leases as Redis strings "<token> <worker>" with the lease's TTL, changed only by
 * compare-and-set scripts. Taking and renewing a lease wait for
 * {@code agent-state.redis.wait-replicas} replicas before they are acknowledged: a lease
 * lost with a failed master could be granted to a second worker while the first believes
 * it holds it. Releasing does not wait: a release lost in a failover leaves the lease to
 * expire with its TTL, and its fencing token still orders the writers
 * (docs/redis-durability.md).
 */
@ApplicationScoped
public class RedisLeases implements Leases {

    /** Takes the lease for worker ARGV[1] with token ARGV[2] for ARGV[3] ms, unless another worker holds it. */
    private static final RedisScript ACQUIRE = RedisScript.of("lease acquire", """
            local current = redis.call('GET', KEYS[1])
            if current then
              local holder = string.sub(current, string.find(current, ' ', 1, true) + 1)
              if holder ~= ARGV[1] then
                return {0, holder, redis.call('PTTL', KEYS[1])}
              end
            end
            redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[1], 'PX', ARGV[3])
            return {1, '', tonumber(ARGV[3])}
            """);

    /** Extends the lease to ARGV[2] ms if it still holds exactly ARGV[1]. */
    private static final RedisScript RENEW = RedisScript.of("lease renew", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """);

    /** Deletes the lease if it still holds exactly ARGV[1]. */
    private static final RedisScript RELEASE = RedisScript.of("lease release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private final RedisCommands redis;

    public RedisLeases(RedisCommands redis) {
        this.redis = redis;
    }

    @Override
    public Uni<Claim> acquire(TenantId tenant, AgentId agent, String worker, long token, Duration ttl) {
        return redis.evalReplicated(ACQUIRE, List.of(RedisKeys.lease(tenant, agent)), worker, token, ttl.toMillis())
                .map(reply -> reply.get(0).toLong() == 1
                        ? new Acquired()
                        : new HeldByOther(reply.get(1).toString(), Math.max(0, reply.get(2).toLong())));
    }

    @Override
    public Uni<Boolean> renew(TenantId tenant, AgentId agent, String worker, long token, Duration ttl) {
        return redis.evalReplicated(RENEW, List.of(RedisKeys.lease(tenant, agent)), token + " " + worker, ttl.toMillis())
                .map(reply -> reply.toLong() == 1);
    }

    @Override
    public Uni<Boolean> release(TenantId tenant, AgentId agent, String worker, long token) {
        return redis.eval(RELEASE, List.of(RedisKeys.lease(tenant, agent)), token + " " + worker)
                .map(reply -> reply.toLong() == 1);
    }
}
