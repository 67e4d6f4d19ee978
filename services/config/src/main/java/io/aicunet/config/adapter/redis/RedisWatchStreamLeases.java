package io.aicunet.config.adapter.redis;

import io.aicunet.config.application.port.WatchStreamLeases;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.platform.tenancy.TenantId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Watch-stream leases in one sorted set per tenant, {@code t:{<tenant>}:config:watch-streams}:
 * each open stream's id scored with the time (ms on the Redis clock, the one clock every
 * replica's scripts share) its lease ends. Taking a lease drops the ended ones, counts the
 * rest and adds the stream in one script, so two replicas cannot both take the last slot.
 * The key lives as long as its longest lease. A stream id is random; nothing personal.
 */
@ApplicationScoped
public class RedisWatchStreamLeases implements WatchStreamLeases {

    private static final Logger LOG = Logger.getLogger(RedisWatchStreamLeases.class);

    private static final String NOW_MILLIS = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            """;

    /**
     * Takes a lease of ARGV[2] ms for stream ARGV[1] unless ARGV[3] live leases exist (a stream
     * that holds one keeps it): {1, open} granted, {0, open} at the maximum.
     */
    private static final String TAKE = NOW_MILLIS + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              local open = redis.call('ZCARD', KEYS[1])
              if open >= tonumber(ARGV[3]) then
                return {0, open}
              end
            end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return {1, redis.call('ZCARD', KEYS[1])}
            """;

    /** Extends the leases of streams ARGV[2..] to now + ARGV[1] ms, taking them again if they were lost. */
    private static final String RENEW = NOW_MILLIS + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            for i = 2, #ARGV do
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return #ARGV - 1
            """;

    private final ReactiveRedisDataSource redis;
    private final long leaseMillis;
    private final Duration timeout;

    public RedisWatchStreamLeases(ReactiveRedisDataSource redis, ConfigServiceConfig settings) {
        this.redis = redis;
        this.leaseMillis = settings.watch().streamLeaseMillis();
        this.timeout = Duration.ofMillis(settings.watch().streamLeaseTimeoutMillis());
    }

    /** The sorted set of a tenant's watch-stream leases. */
    public static String key(TenantId tenant) {
        return "t:{" + tenant + "}:config:watch-streams";
    }

    @Override
    public Uni<Taken> take(TenantId tenant, String stream, int max) {
        return redis.execute(Command.EVAL, TAKE, "1", key(tenant), stream, Long.toString(leaseMillis),
                        Integer.toString(max))
                .ifNoItem().after(timeout).fail()
                .map(reply -> reply.get(0).toInteger() == 1
                        ? (Taken) new Taken.Granted(reply.get(1).toLong())
                        : new Taken.AtMaximum(reply.get(1).toLong()))
                .onFailure().recoverWithItem(failure -> new Taken.Unreachable(failure.toString()));
    }

    @Override
    public Uni<Void> release(TenantId tenant, String stream) {
        return redis.execute(Command.ZREM, key(tenant), stream)
                .ifNoItem().after(timeout).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("giving back the lease of watch stream %s failed (it ends with its lease): %s",
                            stream, failure.toString());
                    return null;
                });
    }

    @Override
    public Uni<Void> renew(TenantId tenant, Collection<String> streams) {
        if (streams.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> arguments = new ArrayList<>(streams.size() + 4);
        arguments.add(RENEW);
        arguments.add("1");
        arguments.add(key(tenant));
        arguments.add(Long.toString(leaseMillis));
        arguments.addAll(streams);
        return redis.execute(Command.EVAL, arguments.toArray(String[]::new))
                .ifNoItem().after(timeout).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("renewing %d watch-stream leases of a tenant failed (retried on the next renewal): %s",
                            streams.size(), failure.toString());
                    return null;
                });
    }
}
